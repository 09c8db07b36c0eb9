import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendedPerHour } from '../../src/overview/appended-per-hour.js';
import type { EventStore, ReadAllOptions, RecordedEvent } from '../../src/store/event-store.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 2, 4, 12, 30);

/** Just enough of a log for reading the tail: sparse positions (as EventStoreDB's), given record times. */
const logOf = (entries: { position: number; recordedMs: number }[]) => {
  const events: RecordedEvent[] = entries.map(({ position, recordedMs }, index) => ({
    id: `e${index}`,
    stream: 's',
    type: 't',
    revision: index,
    position,
    data: {},
    metadata: {},
    recordedAt: new Date(recordedMs).toISOString(),
  }));
  let reads = 0;
  const store = {
    kind: 'eventstoredb',
    headPosition: async () => E.right(events.at(-1)?.position ?? 0),
    readAll: async function* ({ fromPosition = 0, limit = Infinity }: ReadAllOptions = {}) {
      reads += 1;
      let given = 0;
      for (const event of events) {
        if (event.position <= fromPosition) continue;
        if (given++ >= limit) return;
        yield event;
      }
    },
    append: async (_stream: string, added: readonly unknown[]) => {
      for (const _ of added) {
        const position = (events.at(-1)?.position ?? 0) + 7;
        events.push({ id: `e${events.length}`, stream: 's', type: 't', revision: events.length, position, data: {}, metadata: {}, recordedAt: new Date(NOW).toISOString() });
      }
    },
  };
  return { store: store as unknown as EventStore & { append: (s: string, e: unknown[]) => Promise<void> }, reads: () => reads };
};

const naiveCounts = (recorded: number[], now: number) => {
  const current = Math.floor(now / HOUR) * HOUR;
  return Array.from({ length: 24 }, (_, i) => {
    const hour = current - (23 - i) * HOUR;
    return { hour: new Date(hour).toISOString(), events: recorded.filter((ms) => ms >= hour && ms < hour + HOUR).length };
  });
};

describe('appendedPerHour: events appended per hour over the last 24 hours', () => {
  it('given events over the last 48 hours at sparse positions, then each of the 24 hours counts exactly its own (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ gap: fc.integer({ min: 1, max: 1000 }), ago: fc.integer({ min: 0, max: 48 * HOUR }) }), { maxLength: 300 }),
        async (drafts) => {
          // Record times follow positions, as in a log; positions jump like EventStoreDB commit positions.
          const agos = drafts.map((d) => d.ago).sort((a, b) => b - a);
          let position = 0;
          const entries = drafts.map((d, i) => ({ position: (position += d.gap), recordedMs: NOW - (agos[i] ?? 0) }));
          const { store } = logOf(entries);
          const counts = await appendedPerHour(store)(new Date(NOW));
          expect(counts).toEqual(E.right(naiveCounts(entries.map((e) => e.recordedMs), NOW)));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('given a second call, then it reads only what was appended since and adds it to the current hour', async () => {
    const { store, reads } = logOf([
      { position: 10, recordedMs: NOW - 30 * HOUR },
      { position: 20, recordedMs: NOW - 2 * HOUR },
      { position: 30, recordedMs: NOW - 1000 },
    ]);
    const perHour = appendedPerHour(store);
    const first = await perHour(new Date(NOW));
    expect(E.isRight(first) && first.right.reduce((sum, h) => sum + h.events, 0)).toBe(2);
    await store.append('s', [{}, {}, {}]);
    const readsBefore = reads();
    const second = await perHour(new Date(NOW));
    expect(reads() - readsBefore).toBe(1);
    expect(E.isRight(second) && second.right.at(-1)?.events).toBe(4);
  });

  it('given a day later, then the old hours have aged out', async () => {
    const { store } = logOf([{ position: 5, recordedMs: NOW - 1000 }]);
    const perHour = appendedPerHour(store);
    await perHour(new Date(NOW));
    const later = await perHour(new Date(NOW + 25 * HOUR));
    expect(E.isRight(later) && later.right.every((h) => h.events === 0)).toBe(true);
  });
});
