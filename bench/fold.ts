import { foldEvents, keysTouched } from '../projections/fold.js';
import type { ProjectedEvent } from '../projections/projection.js';
import { projections } from '../projections/registry.js';
import { projectedDelivery } from '../test/support/projected-event.js';
import { repeat } from './figure.js';
import { count, type Scenario } from './scenario.js';
import { trafficDeliveries } from './traffic.js';

const sizes = (quick: boolean) => (quick ? { events: 10_000 } : { events: 250_000 });

/** The first `total` distinct events of the traffic as projections receive them (parsed once, ahead of timing). */
const projectedEvents = (total: number): ProjectedEvent[] => {
  const seen = new Set<string>();
  const events: ProjectedEvent[] = [];
  for (const delivery of trafficDeliveries(Math.ceil(total * 1.3) + 100)) {
    const projected = projectedDelivery(delivery);
    if (seen.has(projected.id)) continue;
    seen.add(projected.id);
    events.push(projected);
    if (events.length === total) return events;
  }
  throw new Error(`the traffic holds fewer than ${total} events`);
};

/** What an entity's state is in the floor: one small object, replaced on every event that touches the entity. */
type FloorState = { readonly micros: number; readonly eventId: string; readonly touches: number };

/**
 * The floor of a fold that keeps each entity's state as an immutable object in a Map, as the projections do: the
 * same events, the same keys of each projection, a Map read and a fresh three-field object written per key, and no
 * evolve. The fold's own work is what it takes beyond this; the floor is what a redesign of `evolve` alone cannot cut.
 */
const floorFold = (events: readonly ProjectedEvent[]): number => {
  let entities = 0;
  for (const projection of projections) {
    const states = new Map<string, FloorState>();
    for (const projected of events) {
      for (const key of keysTouched(projection, projected)) {
        const touches = (states.get(key)?.touches ?? 0) + 1;
        states.set(key, { micros: projected.micros, eventId: projected.id, touches });
      }
    }
    entities += states.size;
  }
  return entities;
};

const eventsPerSecond = (events: number, run: () => number): { entities: number; perSecond: number } => {
  const started = performance.now();
  const entities = run();
  return { entities, perSecond: events / ((performance.now() - started) / 1000) };
};

/** The pure reducers alone: every registered projection folds the same events in memory, in arrival order. */
export const fold: Scenario = {
  name: 'fold',
  figures: (context) => [
    {
      key: 'events_per_s',
      label: `projection fold, all ${projections.length} projections, ${count(sizes(context.quick).events)} events in memory`,
      unit: 'events/s',
      target: { atLeast: 1_000_000 },
    },
    {
      key: 'floor_events_per_s',
      label: 'floor of a Map-of-objects fold: the same events and keys, a fresh object per touch, no evolve',
      unit: 'events/s',
    },
    { key: 'fold_per_floor', label: 'projection fold ÷ its Map-of-objects floor', unit: '×', derive: (m) => m('events_per_s') / m('floor_events_per_s') },
  ],
  measure: async (context) => {
    const events = projectedEvents(sizes(context.quick).events);
    return repeat(context.runs, async () => {
      const fold = eventsPerSecond(events.length, () => projections.reduce((sum, projection) => sum + foldEvents(projection, events).size, 0));
      const floor = eventsPerSecond(events.length, () => floorFold(events));
      if (floor.entities !== fold.entities) throw new Error(`the floor made ${floor.entities} entities, the fold ${fold.entities}`);
      context.log(`fold: ${events.length} events into ${fold.entities} entities at ${Math.round(fold.perSecond)}/s; floor ${Math.round(floor.perSecond)}/s`);
      return { events_per_s: fold.perSecond, floor_events_per_s: floor.perSecond };
    });
  },
};
