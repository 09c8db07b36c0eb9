import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical-json.js';
import { compareClocks, compareText, valuesOf, writeFields, type Clock, type FieldWrites } from '../../projections/last-writer-wins.js';

type Fields = { a?: unknown; b?: unknown; c?: unknown; d?: unknown };
type Write = { readonly clock: Clock; readonly fields: Fields };

/** The rule by its definition: each field on its own, the greatest (clock, canonical JSON of the value) of its writes. */
const reference = (writes: readonly Write[]): Partial<Fields> => {
  const best = new Map<string, { clock: Clock; value: unknown }>();
  for (const { clock, fields } of writes) {
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) continue;
      const there = best.get(field);
      const order = there === undefined ? 1 : compareClocks(clock, there.clock) || compareText(canonicalJson(value), canonicalJson(there.value));
      if (order > 0) best.set(field, { clock, value });
    }
  }
  return Object.fromEntries([...best].map(([field, { value }]) => [field, value]));
};

const written = (writes: readonly Write[]): FieldWrites<Fields> =>
  writes.reduce<FieldWrites<Fields>>((state, { clock, fields }) => writeFields(state, fields, clock), []);

// Few clocks and few values, so that ties (one event id at two business times, equal values) come up often.
const clock = fc.record({ micros: fc.integer({ min: 0, max: 3 }), eventId: fc.constantFrom('e1', 'e2', 'e3') });
const value = fc.oneof(fc.constant(null), fc.constant(undefined), fc.integer({ min: 0, max: 2 }), fc.constantFrom('x', 'y'), fc.constant({ nested: 1 }));
const write = fc.record({ clock, fields: fc.record({ a: value, b: value, c: value, d: value }, { requiredKeys: [] }) });

describe('last writer wins, one clock per write', () => {
  it('shows each field as the greatest of its writes, in any order and with any repetition', () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 12 }), fc.func(fc.integer()), (writes, order) => {
        const shuffled = [...writes, ...writes.slice(0, 3)].sort((x, y) => order(x) - order(y));
        expect(valuesOf(written(shuffled))).toEqual(reference(writes));
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps no write whose fields all show another write’s value, and no two writes at one clock', () => {
    fc.assert(
      fc.property(fc.array(write, { maxLength: 12 }), (writes) => {
        const state = written(writes);
        state.forEach((kept, index) => {
          const newer = state.slice(0, index);
          expect(newer.every((other) => compareClocks(other, kept) > 0)).toBe(true);
          const setByNewer = (field: string) => newer.some((other) => (other.fields as Record<string, unknown>)[field] !== undefined);
          expect(Object.entries(kept.fields).some(([field, v]) => v !== undefined && !setByNewer(field))).toBe(true);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('answers the very same writes when a write changes nothing: a duplicate, or one older than every field it sets', () => {
    const first = writeFields<Fields>([], { a: 1, b: 2 }, { micros: 2, eventId: 'e1' });
    expect(writeFields(first, { a: 1, b: 2 }, { micros: 2, eventId: 'e1' })).toBe(first);
    expect(writeFields(first, { a: 9 }, { micros: 1, eventId: 'e9' })).toBe(first);
    expect(writeFields(first, {}, { micros: 3, eventId: 'e1' })).toBe(first);
  });

  it('keeps the payload as it came when there is nothing to leave out or add, and leaves out what it is told to', () => {
    const payload = { a: 1, b: 2 };
    expect(writeFields<Fields>([], payload, { micros: 1, eventId: 'e1' })[0]?.fields).toBe(payload);
    const [only] = writeFields<Fields>([], payload, { micros: 1, eventId: 'e1' }, { except: 'b', implied: { c: 3 } });
    expect(only?.fields).toEqual({ a: 1, c: 3 });
    expect(payload).toEqual({ a: 1, b: 2 });
  });

  it('never lets a __proto__ key read back from storage reach the values', () => {
    const stored = JSON.parse('{"a":1,"__proto__":{"polluted":true}}') as Fields;
    const values = valuesOf(writeFields<Fields>([], stored, { micros: 1, eventId: 'e1' }));
    expect(values).toEqual({ a: 1 });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });
});
