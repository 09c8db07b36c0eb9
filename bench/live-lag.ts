import { Agent, get } from 'node:http';
import { repeat, type Measurements } from './figure.js';
import { requireSuccess, runLoad } from './load.js';
import type { Scenario, ScenarioContext } from './scenario.js';
import { withScope, type Scope } from './scope.js';
import { startBenchServer } from './server-process.js';
import { percentile } from './stats.js';
import { trafficDeliveries, webhookRequest, WEBHOOK_SECRET } from './traffic.js';

const RATE = 1000;
const CONNECTIONS = 32;

/**
 * The queries' client keeps at most this many connections open, as a real client's pool would: a query waits for a
 * free one (its wait counts in its lag) rather than opening connections without bound while the server is busy.
 */
const QUERY_CONNECTIONS = 256;

/** The status of a GET, once its body has been read. */
const statusOf = (agent: Agent, url: string): Promise<number> =>
  new Promise((resolve, reject) => {
    get(url, { agent }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    }).once('error', reject);
  });

const sizes = (quick: boolean) => (quick ? { warmup: 500, seconds: 0.75 } : { warmup: 3000, seconds: 10 });

/** The query that shows a stream's state: the entity the event is about. */
const queryPath = (stream: string): string => {
  const [kind, id] = [stream.slice(0, stream.indexOf('-')), stream.slice(stream.indexOf('-') + 1)];
  switch (kind) {
    case 'contact':
      return `/contacts/${id}`;
    case 'booking':
      return `/bookings/${id}`;
    case 'ticket':
      return `/tickets/${id}`;
    case 'conversation':
      return `/contacts/${id}/conversation`;
    default:
      throw new Error(`no query shows stream ${stream}`);
  }
};

/** live-lag's runs, under its figures' keys, against the service started with `env` on a fresh data dir. */
export const liveLagRuns = async (context: ScenarioContext, scope: Scope, env: Record<string, string> = {}): Promise<Measurements> => {
  const { warmup, seconds } = sizes(context.quick);
  const perRun = Math.round(RATE * seconds);
  const requests = trafficDeliveries(warmup + perRun * context.runs).map(webhookRequest);
  const server = await startBenchServer(scope, scope.tempDir('live-lag'), { WEBHOOK_SECRET, SQLITE_DURABILITY: context.durability, ...env });
  const agent = new Agent({ keepAlive: true, maxSockets: QUERY_CONNECTIONS });
  scope.defer(async () => agent.destroy());
  await runLoad({ url: server.url, requests: requests.slice(0, warmup), connections: CONNECTIONS });
  await server.caughtUp();
  return repeat(context.runs, async (run) => {
    const lags: number[] = [];
    const queries: Promise<void>[] = [];
    // A query that fails (the server refusing connections under the load) fails the run once all are in, rather than
    // being an unhandled rejection that ends the bench.
    const failed: unknown[] = [];
    let gaveUp = 0;
    const load = await runLoad({
      url: server.url,
      requests: requests.slice(warmup + run * perRun, warmup + (run + 1) * perRun),
      connections: CONNECTIONS,
      rate: RATE,
      onResponse: (status, body) => {
        if (status !== 202) return;
        const { stream, position } = JSON.parse(body) as { stream: string; position: number };
        const answered = performance.now();
        queries.push(
          statusOf(agent, `${server.url}${queryPath(stream)}?min_position=${position}`).then((status) => {
            if (status === 503) gaveUp += 1;
            lags.push(performance.now() - answered);
          }, (error: unknown) => void failed.push(error)),
        );
      },
    });
    await Promise.all(queries);
    if (failed.length > 0) throw new Error(`live lag: ${failed.length} of ${queries.length} queries failed`, { cause: failed[0] });
    requireSuccess('deliveries', load);
    context.log(`live lag: ${lags.length} new events, p99 ${percentile(lags, 99).toFixed(1)} ms`);
    return { p99: percentile(lags, 99), p50: percentile(lags, 50), gave_up: gaveUp };
  });
};

/**
 * Deliveries at a steady 1,000/s; for each new event (202), the query for its entity is sent the moment the 2xx
 * arrives, with `min_position` set to the event's position, so it answers as soon as the read model shows the
 * event. Its response time is the lag from the 2xx to the effect being visible (plus one query's own latency).
 */
export const liveLag: Scenario = {
  name: 'live-lag',
  figures: () => [
    { key: 'p99', label: `live lag p99, 2xx to visible in a query, at ${RATE.toLocaleString('en')} deliveries/s`, unit: 'ms', target: { atMost: 100 } },
    { key: 'p50', label: `live lag p50 at ${RATE.toLocaleString('en')} deliveries/s`, unit: 'ms' },
    { key: 'gave_up', label: 'live lag: queries that gave up waiting (503)', unit: 'queries', target: { atMost: 0 } },
  ],
  measure: (context) => withScope((scope) => liveLagRuns(context, scope)),
};
