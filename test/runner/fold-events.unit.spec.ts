import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldEvents } from '../../projections/fold.js';
import { projections } from '../../projections/registry.js';
import type { ProjectionTarget } from '../../src/read-model/read-model-catalog.js';
import { foldIntoTargets, upcastEvents, type PositionedEvent, type UnprojectableEvent } from '../../src/runner/fold-events.js';
import type { RecordedEvent } from '../../src/store/event-store.js';
import { anyDelivery, deliveryHistory, forgetDelivery, type Delivery } from '../support/event-arbitraries.js';

const BUCKETS = 4;

/** The deliveries as the log holds them, at positions 1, 2, ... */
const recorded = (deliveries: readonly Delivery[]): RecordedEvent[] =>
  deliveries.map((delivery, index) => ({
    id: `event-${index + 1}`,
    stream: 'test',
    type: delivery.event,
    revision: index,
    position: index + 1,
    data: delivery.data,
    metadata: { envelope_timestamp: delivery.timestamp },
    recordedAt: '2026-03-04T12:00:00.000Z',
  }));

const targetsAt = (position: number): ProjectionTarget[] =>
  projections.map((projection) => ({ projection, tableName: projection.name, position, kind: 'scratch' }));

const sorted = (states: ReadonlyMap<string, unknown>) => Object.fromEntries([...states].sort(([a], [b]) => (a < b ? -1 : 1)));

const freshStates = (targets: readonly ProjectionTarget[]) => targets.map((target) => ({ target, states: new Map<string, unknown>() }));

/** What the live fold and foldLog do: every event, in log order, into one set of states per target. */
const inOrder = (targets: readonly ProjectionTarget[], events: readonly PositionedEvent[]) => {
  const folds = freshStates(targets);
  foldIntoTargets(folds, events);
  return folds.map(({ states }) => sorted(states));
};

/** What bulkFold does: the events through JSON (its spill files), each bucket of keys folded on its own. */
const byBuckets = (targets: readonly ProjectionTarget[], events: readonly PositionedEvent[], bucketOf: (key: string) => number) => {
  const spilled = JSON.parse(JSON.stringify(events)) as PositionedEvent[];
  const merged = freshStates(targets);
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    const folds = freshStates(targets);
    foldIntoTargets(folds, spilled, (key) => bucketOf(key) === bucket);
    folds.forEach(({ states }, index) => states.forEach((state, key) => merged[index]?.states.set(key, state)));
  }
  return merged.map(({ states }) => sorted(states));
};

const logs = deliveryHistory(fc.oneof({ arbitrary: anyDelivery, weight: 6 }, { arbitrary: forgetDelivery, weight: 1 }), 30).map(recorded);

describe('the fold loop (upcastEvents, then foldIntoTargets)', () => {
  it('gives the in-order fold whatever buckets the keys are folded in: bulk equals in order', () => {
    fc.assert(
      fc.property(logs, fc.func(fc.integer({ min: 0, max: BUCKETS - 1 })), (log, bucketOf) => {
        const targets = targetsAt(0);
        const events = upcastEvents(targets, log, []);
        expect(byBuckets(targets, events, bucketOf)).toStrictEqual(inOrder(targets, events));
      }),
      { numRuns: 200 },
    );
  });

  it('folds only the events past a target checkpoint', () => {
    fc.assert(
      fc.property(logs, fc.nat(), (log, at) => {
        const checkpoint = at % (log.length + 1);
        const events = upcastEvents(targetsAt(0), log, []);
        const past = events.filter(({ position }) => position > checkpoint).map(({ projected }) => projected);
        expect(inOrder(targetsAt(checkpoint), events)).toStrictEqual(projections.map((projection) => sorted(foldEvents(projection, past))));
      }),
      { numRuns: 100 },
    );
  });

  it('upcasts the events some target handles, and collects those the projections cannot read', () => {
    // Stored when it was valid, unreadable now; a ping, which no business projection handles (the delivery log, which
    // handles every delivery, is left out here); a kind that is not an event.
    const business = targetsAt(0).filter((target) => target.projection.name !== 'deliveries');
    const log = recorded([
      { event: 'contact.updated', delivery_id: 'd-1', timestamp: '2026-03-04T12:00:00Z', data: { contact: { id: { nested: true } } } },
      { event: 'ping', delivery_id: 'd-2', timestamp: '2026-03-04T12:00:00Z', data: { message: 'This is a test event.' } },
    ]);
    const skipped: UnprojectableEvent[] = [];
    expect(upcastEvents(business, [...log, ...log.slice(1).map((event) => ({ ...event, type: 'quarantined' }))], skipped)).toEqual([]);
    expect(skipped).toEqual([{ position: 1, eventId: 'event-1', type: 'contact.updated', reason: expect.any(String) }]);
  });
});
