import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lateEntries } from '../../src/console/late-entries.js';

const at = (second: number) => new Date(Date.UTC(2026, 2, 4, 12, 0, second)).toISOString();

describe('lateEntries: which audit entries arrived after a later change', () => {
  it('given entries received in business order, then none is late', () => {
    expect(lateEntries([{ received_at: at(1) }, { received_at: at(2) }, { received_at: at(3) }])).toEqual([false, false, false]);
  });

  it('given the creation received after the update, then the creation is late and the update is not', () => {
    expect(lateEntries([{ received_at: at(5) }, { received_at: at(2) }])).toEqual([true, false]);
  });

  it('given an entry received after any later one (not only the next), then it is late', () => {
    expect(lateEntries([{ received_at: at(4) }, { received_at: at(6) }, { received_at: at(3) }])).toEqual([true, true, false]);
  });

  it('given entries without a receive time, then they are neither late nor make others late', () => {
    expect(lateEntries([{ received_at: at(5) }, { received_at: null }, { received_at: at(6) }])).toEqual([false, false, false]);
  });

  it('marks exactly the entries some later entry was received before (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 0, max: 50 }), { nil: null }), { maxLength: 40 }), (seconds) => {
        const entries = seconds.map((s) => ({ received_at: s === null ? null : at(s) }));
        const naive = seconds.map((s, i) => s !== null && seconds.slice(i + 1).some((later) => later !== null && later < s));
        expect(lateEntries(entries)).toEqual(naive);
      }),
    );
  });
});
