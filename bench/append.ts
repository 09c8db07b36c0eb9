import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { routeDelivery } from '../src/events/route-delivery.js';
import { deliveryMetadata, skylightHeaders } from '../src/intake/delivery-metadata.js';
import type { EventToAppend } from '../src/store/event-store.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { repeat } from './figure.js';
import type { Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { signedDelivery, trafficDeliveries } from './traffic.js';

type StreamEvent = { readonly stream: string; readonly event: EventToAppend };

const sizes = (quick: boolean) => (quick ? { events: 20_000 } : { events: 200_000 });

/** Concurrent append calls in the batch figure (they share group commits) and in the intake-like one. */
const BATCH_CALLERS = 1000;
const INTAKE_CALLERS = 32;

/** What intake would append for each of the first `count` distinct events of the traffic: routed, with metadata. */
const routedEvents = (count: number): StreamEvent[] => {
  const seen = new Set<string>();
  const events: StreamEvent[] = [];
  for (const delivery of trafficDeliveries(Math.ceil(count * 1.3) + 100)) {
    const { body, headers } = signedDelivery(delivery);
    const routed = E.toUnion(routeDelivery(body));
    const { stream, ...record } = routed.record;
    if (seen.has(`${stream}\n${record.id}`)) continue;
    seen.add(`${stream}\n${record.id}`);
    const metadata = deliveryMetadata(routed.facts, {
      receivedAt: new Date().toISOString(),
      signature: 'verified',
      headers: skylightHeaders(headers),
      channel: 'http',
    });
    events.push({ stream, event: { ...record, metadata } });
    if (events.length === count) return events;
  }
  throw new Error(`the traffic holds fewer than ${count} events`);
};

/** `callers` loops, each appending its next event as soon as its previous append is committed. */
const appendAll = async (dataDir: string, events: readonly StreamEvent[], callers: number): Promise<number> => {
  const store = openSqliteEventStore(join(dataDir, 'events.db'));
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
    { key: 'batched', label: `append through the port, ${BATCH_CALLERS} concurrent callers`, unit: 'events/s', target: { atLeast: 60_000 } },
    { key: 'intake_like', label: `append through the port, ${INTAKE_CALLERS} concurrent callers`, unit: 'events/s' },
  ],
  measure: async (context) => {
    const events = routedEvents(sizes(context.quick).events);
    return repeat(context.runs, () =>
      withScope(async (scope) => ({
        batched: await appendAll(scope.tempDir('append'), events, BATCH_CALLERS),
        intake_like: await appendAll(scope.tempDir('append'), events, INTAKE_CALLERS),
      })),
    );
  },
};
