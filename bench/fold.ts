import { foldEvents } from '../projections/fold.js';
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
  ],
  measure: async (context) => {
    const events = projectedEvents(sizes(context.quick).events);
    return repeat(context.runs, async () => {
      const started = performance.now();
      const entities = projections.reduce((sum, projection) => sum + foldEvents(projection, events).size, 0);
      const seconds = (performance.now() - started) / 1000;
      context.log(`fold: ${events.length} events into ${entities} entities in ${seconds.toFixed(2)} s`);
      return { events_per_s: events.length / seconds };
    });
  },
};
