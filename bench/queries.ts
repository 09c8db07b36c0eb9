import { encodeCursor } from '../src/read-model/list-cursor.js';
import { sortKeyOf } from '../src/read-model/sort-key.js';
import { seededRandom } from '../test/support/skylight-traffic.js';
import { repeat } from './figure.js';
import { copyFixture } from './fixtures.js';
import { requireSuccess, runLoad, type LoadRequest } from './load.js';
import { contactIdsIn } from './read-model-sample.js';
import { count, logSizes, type Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';

const CONNECTIONS = 32;
const GET_RATE = 2000;
const LIST_RATE = 200;
const LIST_CONNECTIONS = 8;

const sizes = (quick: boolean) =>
  quick ? { fastGets: 2000, getSeconds: 0.5, listSeconds: 0.5 } : { fastGets: 30_000, getSeconds: 10, listSeconds: 10 };

/** Filtered lists a client pages through, mixed in one load: the first page, or one further on (after a random id). */
const LISTS = [
  { path: '/contacts?status=active&limit=50', entity: 'contact' },
  { path: '/contacts?tag=vip&limit=50', entity: 'contact' },
  { path: '/bookings?status=confirmed&limit=50', entity: 'booking' },
] as const;

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** `n` get-by-id of contacts drawn from `live`. */
export const contactGets =
  (live: readonly string[], random: () => number) =>
  (n: number): LoadRequest[] =>
    Array.from({ length: n }, () => ({ method: 'GET', path: `/contacts/${pick(random, live)}` }));

/** 2,000 get-by-id as fast as answered, before any is measured. */
export const warmUpGets = (url: string, gets: (n: number) => LoadRequest[]) => runLoad({ url, requests: gets(2000), connections: CONNECTIONS });

/** One run of get-by-id paced at 2,000/s: the figures `get_p50` and `get_p99`. */
export const pacedGets = async (url: string, gets: (n: number) => LoadRequest[], quick: boolean) => {
  const requests = gets(Math.round(GET_RATE * sizes(quick).getSeconds));
  const paced = requireSuccess('get-by-id', await runLoad({ url, requests, connections: CONNECTIONS, rate: GET_RATE }));
  return { get_p50: paced.latencyMs(50), get_p99: paced.latencyMs(99) };
};

/**
 * The query API of the real server over the large log's caught-up read model (the 1M-event log holds about
 * 160,000 contacts): get-by-id as fast as 32 connections go and paced at 2,000/s, and filtered, paginated lists.
 */
export const queries: Scenario = {
  name: 'queries',
  figures: (context) => {
    const events = count(logSizes(context.quick).large);
    return [
      { key: 'get_throughput', label: `get-by-id, ${CONNECTIONS} connections (${events}-event log)`, unit: 'requests/s', target: { atLeast: 10_000 } },
      { key: 'get_p50', label: `get-by-id p50 at ${GET_RATE.toLocaleString('en')} requests/s`, unit: 'ms' },
      { key: 'get_p99', label: `get-by-id p99 at ${GET_RATE.toLocaleString('en')} requests/s`, unit: 'ms', target: { atMost: 5 } },
      { key: 'list_p50', label: `filtered, paginated list p50 at ${LIST_RATE}/s`, unit: 'ms' },
      { key: 'list_p99', label: `filtered, paginated list p99 at ${LIST_RATE}/s (${LISTS.map((l) => l.path).join(', ')})`, unit: 'ms', target: { atMost: 25 } },
    ];
  },
  measure: async (context) => {
    const { fastGets, listSeconds } = sizes(context.quick);
    return withScope(async (scope) => {
      const dataDir = copyFixture(scope, (await context.fixtures.caughtUpLog(logSizes(context.quick).large)).dir, 'queries');
      const { live, total } = contactIdsIn(dataDir);
      context.log(`queries: ${total} contacts in the read model, ${live.length} not deleted`);
      const random = seededRandom(7);
      const gets = contactGets(live, random);
      const maxId = live.reduce((max, id) => Math.max(max, Number(id)), 0);
      // Booking ids are contact id × 10 + n in the generator.
      const lists = (n: number): LoadRequest[] =>
        Array.from({ length: n }, () => {
          const { path, entity } = pick(random, LISTS);
          const after = Math.floor(random() * maxId * (entity === 'contact' ? 1 : 10));
          return { method: 'GET', path: random() < 0.5 ? path : `${path}&cursor=${encodeCursor({ sort: 'id', direction: 'after', position: { value: null, key: sortKeyOf(String(after)) } })}` };
        });
      const server = await startBenchServer(scope, dataDir, { SQLITE_DURABILITY: context.durability });
      await warmUpGets(server.url, gets);
      await runLoad({ url: server.url, requests: lists(300), connections: LIST_CONNECTIONS });
      return repeat(context.runs, async () => {
        const fast = requireSuccess('get-by-id', await runLoad({ url: server.url, requests: gets(fastGets), connections: CONNECTIONS }));
        const paced = await pacedGets(server.url, gets, context.quick);
        const listed = requireSuccess('lists', await runLoad({ url: server.url, requests: lists(Math.round(LIST_RATE * listSeconds)), connections: LIST_CONNECTIONS, rate: LIST_RATE }));
        return { get_throughput: fast.perSecond, ...paced, list_p50: listed.latencyMs(50), list_p99: listed.latencyMs(99) };
      });
    });
  },
};
