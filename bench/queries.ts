import { join } from 'node:path';
import Database from 'better-sqlite3';
import { encodeCursor } from '../src/read-model/page.js';
import { readModelEntries } from '../src/read-model/read-model-catalog.js';
import { sortKeyOf } from '../src/read-model/table-spec.js';
import { seededRandom } from '../test/support/skylight-traffic.js';
import { repeat } from './figure.js';
import { copyFixture } from './fixtures.js';
import { runLoad, type LoadRequest, type LoadResult } from './load.js';
import { count, logSizes, type Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';

const CONNECTIONS = 32;
const GET_RATE = 2000;
const LIST_RATE = 200;
const LIST_CONNECTIONS = 8;

const sizes = (quick: boolean) =>
  quick ? { fastGets: 5000, getSeconds: 2, listSeconds: 1 } : { fastGets: 60_000, getSeconds: 10, listSeconds: 5 };

/** Filtered lists a client pages through: the first page, or a page further on (after a random entity). */
const LISTS = [
  { key: 'list_status', path: '/contacts?status=active&limit=50', entity: 'contact' },
  { key: 'list_tag', path: '/contacts?tag=vip&limit=50', entity: 'contact' },
  { key: 'list_bookings', path: '/bookings?status=confirmed&limit=50', entity: 'booking' },
] as const;

/** Contacts a get-by-id finds (200): present and not deleted. Read from the fixture's read model before serving. */
const liveContactIds = (dataDir: string): { live: string[]; total: number } => {
  const db = new Database(join(dataDir, 'read-model.db'), { readonly: true });
  try {
    const table = readModelEntries(db).get('contacts')?.table_name;
    if (table === undefined) throw new Error('the fixture has no contacts read model');
    const live = db.prepare<[], string>(`SELECT key FROM ${table} WHERE view IS NOT NULL AND deleted = 0`).pluck().all();
    const total = db.prepare<[], number>(`SELECT COUNT(*) FROM ${table} WHERE view IS NOT NULL`).pluck().get() ?? 0;
    return { live, total };
  } finally {
    db.close();
  }
};

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const requireSuccess = (what: string, result: LoadResult): LoadResult => {
  if (result.non2xx + result.errors > 0) throw new Error(`${what}: ${JSON.stringify(result.statuses)}, ${result.errors} errors`);
  return result;
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
      ...LISTS.map((list) => ({ key: list.key, label: `list p99 at ${LIST_RATE}/s, ${list.path}`, unit: 'ms', target: { atMost: 25 } })),
    ];
  },
  measure: async (context) => {
    const { fastGets, getSeconds, listSeconds } = sizes(context.quick);
    return withScope(async (scope) => {
      const dataDir = copyFixture(scope, await context.fixtures.caughtUpLog(logSizes(context.quick).large), 'queries');
      const { live, total } = liveContactIds(dataDir);
      context.log(`queries: ${total} contacts in the read model, ${live.length} not deleted`);
      const random = seededRandom(7);
      const gets = (n: number): LoadRequest[] => Array.from({ length: n }, () => ({ method: 'GET', path: `/contacts/${pick(random, live)}` }));
      const maxId = Math.max(...live.map(Number));
      const lists = (path: string, entity: 'contact' | 'booking', n: number): LoadRequest[] =>
        Array.from({ length: n }, () => {
          const after = entity === 'contact' ? Math.floor(random() * maxId) : Math.floor(random() * maxId * 10);
          return { method: 'GET', path: random() < 0.5 ? path : `${path}&cursor=${encodeCursor(sortKeyOf(String(after)))}` };
        });
      const server = await startBenchServer(scope, dataDir);
      await runLoad({ url: server.url, requests: gets(2000), connections: CONNECTIONS });
      for (const list of LISTS) await runLoad({ url: server.url, requests: lists(list.path, list.entity, 200), connections: LIST_CONNECTIONS });
      return repeat(context.runs, async () => {
        const fast = requireSuccess('get-by-id', await runLoad({ url: server.url, requests: gets(fastGets), connections: CONNECTIONS }));
        const paced = requireSuccess('get-by-id', await runLoad({ url: server.url, requests: gets(GET_RATE * getSeconds), connections: CONNECTIONS, rate: GET_RATE }));
        const listed: Record<string, number> = {};
        for (const list of LISTS) {
          const requests = lists(list.path, list.entity, LIST_RATE * listSeconds);
          const result = requireSuccess(list.path, await runLoad({ url: server.url, requests, connections: LIST_CONNECTIONS, rate: LIST_RATE }));
          listed[list.key] = result.latencyMs(99);
        }
        return { get_throughput: fast.perSecond, get_p50: paced.latencyMs(50), get_p99: paced.latencyMs(99), ...listed };
      });
    });
  },
};
