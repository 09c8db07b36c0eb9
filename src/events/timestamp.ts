import { z } from 'zod';

/**
 * A timestamp exactly as the provider sent it: an ISO-8601 string (the nested format, with microseconds) or
 * Unix seconds (the flat format's envelope). The original value is kept; comparisons go through `toMicros`.
 */
/** 9999-12-31T23:59:59Z: later numbers are not dates (and would overflow microseconds). */
const MAX_UNIX_SECONDS = 253_402_300_799;

export const Timestamp = z.union([
  z.string().refine((value) => isoToMicros(value) !== undefined, {
    message: 'expected an ISO-8601 date-time such as 2026-03-04T12:00:00.000000Z',
  }),
  z.number().nonnegative().max(MAX_UNIX_SECONDS, 'expected Unix seconds before the year 10000'),
]);
export type Timestamp = z.infer<typeof Timestamp>;

const digitsAt = (text: string, from: number, count: number): number => {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return Number.NaN;
    value = value * 10 + digit;
  }
  return value;
};

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
const daysFromCivil = (year: number, month: number, day: number): number => {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
};

/** The zone suffix's offset in minutes east of UTC (none means UTC); NaN when it is malformed. */
const zoneOffsetMinutes = (text: string, at: number): number => {
  if (at === text.length) return 0;
  const sign = text[at];
  if ((sign === 'Z' || sign === 'z') && at + 1 === text.length) return 0;
  if (sign !== '+' && sign !== '-') return Number.NaN;
  const colon = text[at + 3] === ':' ? 1 : 0;
  if (at + 5 + colon !== text.length) return Number.NaN;
  const minutes = digitsAt(text, at + 1, 2) * 60 + digitsAt(text, at + 3 + colon, 2);
  return sign === '-' ? -minutes : minutes;
};

/**
 * `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:]MM]` to microseconds; undefined when it is not one. Read character by
 * character rather than with a regular expression: it runs for every timestamp of every event of every fold.
 */
const isoToMicros = (text: string): number | undefined => {
  if (text.length < 19 || text[4] !== '-' || text[7] !== '-' || (text[10] !== 'T' && text[10] !== ' ') || text[13] !== ':' || text[16] !== ':') {
    return undefined;
  }
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  let at = 19;
  let micros = 0;
  if (text[at] === '.') {
    const start = ++at;
    let scale = 100_000;
    for (let digit = text.charCodeAt(at) - 48; at - start < 9 && digit >= 0 && digit <= 9; digit = text.charCodeAt(++at) - 48) {
      micros += digit * scale;
      scale /= 10;
    }
    if (at === start) return undefined;
    micros = Math.trunc(micros);
  }
  const offset = zoneOffsetMinutes(text, at);
  const monthDays = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (!(day >= 1 && day <= monthDays && hour <= 23 && minute <= 59 && second <= 60) || Number.isNaN(offset)) return undefined;
  const seconds = daysFromCivil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
  return seconds * 1_000_000 + micros;
};

/** Microseconds since the Unix epoch; exact for any date this service will see (well below 2^53). */
export const toMicros = (timestamp: Timestamp): number =>
  typeof timestamp === 'number' ? Math.round(timestamp * 1_000_000) : (isoToMicros(timestamp) ?? Number.NaN);

/** Parses an ISO-8601 instant given by a user (as-of queries); undefined when it is not one. */
export const parseInstant = (value: string): number | undefined => isoToMicros(value);
