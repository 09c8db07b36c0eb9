import { z } from 'zod';

/** 9999-12-31T23:59:59Z: later numbers are not dates (and would overflow microseconds). */
const MAX_UNIX_SECONDS = 253_402_300_799;

/**
 * A timestamp exactly as the provider sent it: an ISO-8601 string (the nested format, with microseconds) or
 * Unix seconds (the flat format's envelope). The original value is kept; comparisons go through `toMicros`.
 */
export const Timestamp = z.union([
  z.string().refine((value) => !Number.isNaN(toMicros(value)), {
    message: 'expected an ISO-8601 date-time such as 2026-03-04T12:00:00.000000Z',
  }),
  z.number().nonnegative().max(MAX_UNIX_SECONDS, 'expected Unix seconds before the year 10000'),
]);
export type Timestamp = z.infer<typeof Timestamp>;

/** `YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|±HH[:]MM]`, up to nine digits of fraction. */
const ISO_DATE_TIME = /^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d\d):?(\d\d))?$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** 400 Gregorian years, by which dates are shifted for Date.UTC: it reads the years 0 to 99 as 1900 to 1999. */
const GREGORIAN_CYCLE_MS = 146_097 * 86_400_000;

/**
 * Microseconds since the Unix epoch; exact for any date this service will see (well below 2^53). NaN when the text
 * is not a date-time. One regular expression reads every part; Date.UTC counts the days.
 */
export const toMicros = (timestamp: string | number): number => {
  if (typeof timestamp === 'number') return Math.round(timestamp * 1_000_000);
  const parts = ISO_DATE_TIME.exec(timestamp);
  if (parts === null) return Number.NaN;
  const [, yearText, monthText, dayText, hourText, minuteText, secondText, fraction = '', sign, zoneHours, zoneMinutes] = parts;
  const year = Number(yearText);
  const month = Number(monthText);
  const day = Number(dayText);
  const hour = Number(hourText);
  const minute = Number(minuteText);
  const second = Number(secondText);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (!(day >= 1 && day <= monthDays && hour <= 23 && minute <= 59 && second <= 60)) return Number.NaN;
  const offsetMinutes = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(zoneHours) * 60 + Number(zoneMinutes));
  const millis = Date.UTC(year + 400, month - 1, day, hour, minute, second) - GREGORIAN_CYCLE_MS - offsetMinutes * 60_000;
  return millis * 1000 + Number(fraction.slice(0, 6).padEnd(6, '0'));
};

/** Parses an ISO-8601 instant given by a user (as-of queries); undefined when it is not one. */
export const parseInstant = (value: string): number | undefined => {
  const micros = toMicros(value);
  return Number.isNaN(micros) ? undefined : micros;
};
