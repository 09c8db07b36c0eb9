import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { openSqliteEventStore, type SqliteDurability } from '../src/store/sqlite.js';
import { repeat } from './figure.js';
import { firstRoutedEvents, type RoutedEvent } from './routed-event.js';
import type { Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { trafficDeliveries } from './traffic.js';

const sizes = (quick: boolean) => (quick ? { events: 5_000 } : { events: 100_000 });

/** Concurrent append calls in the batch figure (they share group commits) and in the intake-like one. */
const BATCH_CALLERS = 1000;
const INTAKE_CALLERS = 32;

/** `callers` loops, each appending its next event as soon as its previous append is committed. */
const appendAll = async (dataDir: string, events: readonly RoutedEvent[], callers: number, durability: SqliteDurability): Promise<number> => {
  const store = openSqliteEventStore(join(dataDir, 'events.db'), { durability });
  try {
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: callers }, async () => {
        for (let item = events[next++]; item !== undefined; item = events[next++]) {
          const result = await store.append(item.stream, [item.event], 'any');
          if (E.isLeft(result)) throw new Error(`append failed: ${result.left.kind}`);
        }
      }),
    );
    return events.length / ((performance.now() - started) / 1000);
  } finally {
    await store.close();
  }
};

/**
 * The embedded store through its port, no HTTP: events as intake routes them, appended one event per call by
 * many concurrent callers, so that appends share group commits. Fresh store file per run.
 */
export const append: Scenario = {
  name: 'append',
  figures: () => [
    { key: 'batched', label: `append through the port, ${BATCH_CALLERS.toLocaleString('en')} concurrent callers`, unit: 'events/s', target: { atLeast: 60_000 } },
    { key: 'intake_like', label: `append through the port, ${INTAKE_CALLERS} concurrent callers`, unit: 'events/s' },
  ],
  measure: async (context) => {
    const { events: count } = sizes(context.quick);
    const events = [...firstRoutedEvents(count, trafficDeliveries(Math.ceil(count * 1.3) + 100))];
    return repeat(context.runs, () =>
      withScope(async (scope) => ({
        batched: await appendAll(scope.tempDir('append'), events, BATCH_CALLERS, context.durability),
        intake_like: await appendAll(scope.tempDir('append'), events, INTAKE_CALLERS, context.durability),
      })),
    );
  },
};
