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

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:?\d{2})?$/;

const isoToMicros = (value: string): number | undefined => {
  const match = ISO_DATE_TIME.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const parts = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  const [y, mo, d, h, mi, s] = parts;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const millis = Date.UTC(y, mo - 1, d, h, mi, s);
  if (new Date(millis).getUTCDate() !== d) return undefined;
  const micros = Number(fraction.padEnd(6, '0').slice(0, 6));
  return millis * 1000 + micros - zoneOffsetMinutes(zone) * 60_000_000;
};

const zoneOffsetMinutes = (zone: string): number => {
  if (zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
};

/** Microseconds since the Unix epoch; exact for any date this service will see (well below 2^53). */
export const toMicros = (timestamp: Timestamp): number =>
  typeof timestamp === 'number' ? Math.round(timestamp * 1_000_000) : (isoToMicros(timestamp) ?? Number.NaN);

/** Parses an ISO-8601 instant given by a user (as-of queries); undefined when it is not one. */
export const parseInstant = (value: string): number | undefined => isoToMicros(value);
