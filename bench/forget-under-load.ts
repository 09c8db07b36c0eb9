import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { repeat } from './figure.js';
import { copyFixture } from './fixtures.js';
import { count, type Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';
import { TRAFFIC_SEED, trafficDeliveries, webhookRequest, WEBHOOK_SECRET } from './traffic.js';

const API_TOKEN = 'bench-forget-token-0123456789-abcdefghij';
const PROBE_EVERY_MS = 20;
const DELIVER_EVERY_MS = 20;
/** A forget that has not answered by then is reported as this long (the old synchronous route could hang). */
const FORGET_LIMIT_MS = 300_000;

const sizes = (quick: boolean) => (quick ? [10_000] : [200_000, 1_000_000]);

const firstContact = (dataDir: string): string => {
  const db = new Database(join(dataDir, 'events.db'), { readonly: true });
  try {
    const row = db.prepare<[], { stream: string }>("SELECT stream FROM events WHERE stream LIKE 'contact-%' ORDER BY position LIMIT 1").get();
    if (row === undefined) throw new Error('the fixture has no contact');
    return row.stream.slice('contact-'.length);
  } finally {
    db.close();
  }
};

const timed = async <A>(work: () => Promise<A>): Promise<{ value: A | undefined; ms: number }> => {
  const started = performance.now();
  const value = await work().catch(() => undefined);
  return { value, ms: performance.now() - started };
};

/** Starts the forget and waits for it: a job (202, then GET /erasures/job) or, on older versions, the answer itself. */
const forget = async (url: string, key: string): Promise<boolean> => {
  const headers = { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' };
  const signal = AbortSignal.timeout(FORGET_LIMIT_MS);
  const started = await fetch(`${url}/contacts/${key}/forget`, { method: 'POST', headers, body: JSON.stringify({ reason: 'bench' }), signal });
  if (started.status !== 202) return started.ok;
  for (;;) {
    const job = (await (await fetch(`${url}/erasures/job`, { headers, signal })).json()) as { state: string };
    if (job.state !== 'running') return job.state === 'done';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * A forget over HTTP beside a running server, on logs of growing size: how long it takes, and what it costs the
 * rest of the node meanwhile (the slowest /health, asked every 20 ms; the deliveries sent every 20 ms that were not
 * acknowledged, and the slowest that was).
 */
export const forgetUnderLoad: Scenario = {
  name: 'forget-under-load',
  figures: (context) =>
    sizes(context.quick).flatMap((events) => [
      { key: `log_mb_${events}`, label: `log size, ${count(events)} events`, unit: 'MB' },
      { key: `forget_s_${events}`, label: `forget over HTTP to its end, ${count(events)} events`, unit: 's' },
      { key: `health_ms_${events}`, label: `slowest /health during the forget, ${count(events)} events`, unit: 'ms' },
      { key: `intake_failed_${events}`, label: `deliveries not acknowledged (2xx) during the forget, ${count(events)} events`, unit: 'count' },
      { key: `intake_ms_${events}`, label: `slowest delivery acknowledged during the forget, ${count(events)} events`, unit: 'ms' },
    ]),
  measure: async (context) => {
    const results: Record<string, number[]> = {};
    for (const events of sizes(context.quick)) {
      const fixture = (await context.fixtures.caughtUpLog(events)).dir;
      const key = firstContact(fixture);
      const deliveries = trafficDeliveries(20_000, TRAFFIC_SEED + 7).map(webhookRequest);
      const measured = await repeat(context.runs, () =>
        withScope(async (scope) => {
          const dir = copyFixture(scope, fixture, 'forget');
          const server = await startBenchServer(scope, dir, { API_TOKEN, WEBHOOK_SECRET });
          let done = false;
          let slowestHealth = 0;
          let failed = 0;
          let slowestDelivery = 0;
          let sent = 0;
          const health = (async () => {
            while (!done) {
              const asked = await timed(() => fetch(`${server.url}/health`));
              slowestHealth = Math.max(slowestHealth, asked.ms);
              await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
            }
          })();
          const intake = (async () => {
            while (!done) {
              const request = deliveries[sent++ % deliveries.length];
              if (request === undefined) break;
              const posted = await timed(() => fetch(`${server.url}${request.path}`, { method: 'POST', headers: request.headers, body: request.body }));
              if (posted.value === undefined || posted.value.status >= 300) failed += 1;
              else slowestDelivery = Math.max(slowestDelivery, posted.ms);
              await new Promise((resolve) => setTimeout(resolve, DELIVER_EVERY_MS));
            }
          })();
          const run = await timed(() => forget(server.url, key));
          done = true;
          await Promise.all([health, intake]);
          context.log(`forget-under-load: ${events} events, contact ${key}: ${run.value === true ? 'done' : 'FAILED'} in ${(run.ms / 1000).toFixed(1)} s`);
          return {
            [`log_mb_${events}`]: statSync(join(dir, 'events.db')).size / 2 ** 20,
            [`forget_s_${events}`]: run.ms / 1000,
            [`health_ms_${events}`]: slowestHealth,
            [`intake_failed_${events}`]: failed,
            [`intake_ms_${events}`]: slowestDelivery,
          };
        }),
      );
      Object.assign(results, measured);
    }
    return results;
  },
};
