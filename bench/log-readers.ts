import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { openSqliteEventStore } from '../src/store/sqlite.js';
import { seededRandom, type TrafficDelivery } from '../test/support/skylight-traffic.js';
import { crowdFigures, crowdMeasurements, runCrowd } from './crowd.js';
import { routedEvent } from './routed-event.js';
import { count, type Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';

const sizes = (quick: boolean) =>
  quick ? { events: 2_000, crowds: [20, 40], windowMs: 8_000 } : { events: 6_000, crowds: [40, 80], windowMs: 20_000 };

/** Clients give up on a request after this (the server closes a connection silent for 10 s first). */
const REQUEST_TIMEOUT_MS = 30_000;
const BASE_MS = Date.UTC(2026, 2, 4);
const APPEND_CHUNK = 500;

const at = (n: number) => new Date(BASE_MS + n * 60_000).toISOString();

/** Contact 77 created, then updated `events - 1` times, one in twenty delivered late (out of business-time order). */
const longContactHistory = (events: number): TrafficDelivery[] => {
  const random = seededRandom(77);
  return Array.from({ length: events }, (_, n) => {
    const minute = random() < 0.05 ? Math.max(1, n - 1 - Math.floor(random() * 50)) : n;
    const contact = { id: 77, name: `Contact 77 (${n})`, tags: [`t${n % 10}`], notes: `${n}:${'n'.repeat(1000)}` };
    return n === 0
      ? { event: 'contact.created', delivery_id: `long-${n}`, timestamp: at(0), data: { contact: { ...contact, created_at: at(0) } } }
      : { event: 'contact.updated', delivery_id: `long-${n}`, timestamp: at(minute), data: { contact: { ...contact, updated_at: at(minute) } } };
  });
};

/** The contact's stream, appended as intake appends it, before the server starts (which then catches up). */
const fillContact = async (dataDir: string, events: number): Promise<void> => {
  const store = openSqliteEventStore(join(dataDir, 'events.db'));
  try {
    const routed = longContactHistory(events).map(routedEvent);
    for (let start = 0; start < routed.length; start += APPEND_CHUNK) {
      const chunk = routed.slice(start, start + APPEND_CHUNK);
      for (const result of await Promise.all(chunk.map(({ stream, event }) => store.append(stream, [event], 'any')))) {
        if (E.isLeft(result)) throw new Error(`fill: append failed: ${result.left.kind}`);
      }
    }
  } finally {
    await store.close();
  }
};

/**
 * Issue 24, item 3: a crowd of clients reading the audit, the raw history and the as-of state of one contact with
 * a long stream (6,000 events of about 1 KB), back to back; what the server's memory, /health and the requests
 * become, and how long the server works on after the last client. A reliability run, once per bench.
 */
export const logReaders: Scenario = {
  name: 'log-readers',
  figures: (context) => {
    const { events, crowds } = sizes(context.quick);
    return crowds.flatMap((clients) => crowdFigures(`c${clients}`, `${clients} clients reading a ${count(events)}-event contact`));
  },
  measure: async (context) => {
    const { events, crowds, windowMs } = sizes(context.quick);
    return withScope(async (scope) => {
      const dataDir = scope.tempDir('log-readers');
      await fillContact(dataDir, events);
      const server = await startBenchServer(scope, dataDir);
      await server.caughtUp();
      const paths = ['/contacts/77/audit', '/contacts/77/history?limit=500', `/contacts/77?as_of=${encodeURIComponent(at(events))}`];
      let measured = {};
      for (const clients of crowds) {
        const outcome = await runCrowd({ server, clients, paths, windowMs, requestTimeoutMs: REQUEST_TIMEOUT_MS });
        context.log(`log-readers: ${clients} clients: ${JSON.stringify(outcome)}`);
        measured = { ...measured, ...crowdMeasurements(`c${clients}`, outcome) };
      }
      return measured;
    });
  },
};
