import { describe, expect, it } from 'vitest';
import { Timestamp, toMicros } from '../../src/events/timestamp.js';

describe('business timestamps', () => {
  it('compare at microsecond precision', () => {
    expect(toMicros('2026-03-04T12:00:00.000001Z') - toMicros('2026-03-04T12:00:00.000000Z')).toBe(1);
  });

  it('agree across formats for the same instant', () => {
    const micros = toMicros('2026-03-04T12:00:00Z');
    expect(toMicros('2026-03-04T12:00:00.000000Z')).toBe(micros);
    expect(toMicros('2026-03-04 12:00:00')).toBe(micros);
    expect(toMicros('2026-03-04T14:00:00+02:00')).toBe(micros);
    expect(toMicros('2026-03-04T07:00:00-0500')).toBe(micros);
    expect(toMicros(1772625600)).toBe(micros);
  });

  it('ignore digits beyond microseconds', () => {
    expect(toMicros('2026-03-04T12:00:00.123456789Z')).toBe(toMicros('2026-03-04T12:00:00.123456Z'));
  });

  it.each(['2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', '04/03/2026', '2026-03-04', '', 'T12:00:00Z', '2026-03-04T25:00:00Z'])(
    'reject %j',
    (value) => {
      expect(Timestamp.safeParse(value).success).toBe(false);
    },
  );

  it('reject negative or non-finite numbers', () => {
    expect(Timestamp.safeParse(-1).success).toBe(false);
    expect(Timestamp.safeParse(Number.POSITIVE_INFINITY).success).toBe(false);
  });
});

describe('business timestamps, property', () => {
  // Microseconds since 1970 stay exact in a double until 2255 (2^53 µs).
  it('agree with Date for every millisecond instant from 1970 to 2255', async () => {
    const fc = (await import('fast-check')).default;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_000_000_000_000 }), fc.integer({ min: 0, max: 999 }), (millis, extraMicros) => {
        const iso = new Date(millis).toISOString();
        const withMicros = `${iso.slice(0, 23)}${String(extraMicros).padStart(3, '0')}Z`;
        return toMicros(iso) === millis * 1000 && toMicros(withMicros) === millis * 1000 + extraMicros;
      }),
      { numRuns: 2000 },
    );
  });
});
