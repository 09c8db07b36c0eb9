import { seededRandom } from '../test/support/skylight-traffic.js';
import { repeat, type FigureSpec, type Measurements } from './figure.js';
import { copyFixture } from './fixtures.js';
import { requireSuccess, runLoad } from './load.js';
import { contactIdsIn } from './read-model-sample.js';
import { count, logSizes, type Scenario, type ScenarioContext } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';
import { TRAFFIC_SEED, trafficDeliveries, webhookRequest, WEBHOOK_SECRET } from './traffic.js';

const INTAKE_RATE = 500;
const GET_RATE = 1000;
const CONNECTIONS = 32;
/** "Flat": the large log may cost this much more than the small one. */
const FLAT_TOLERANCE = 1.5;

const sizes = (quick: boolean) => (quick ? { warmup: 300, intakeSeconds: 0.5, getSeconds: 0.5 } : { warmup: 2000, intakeSeconds: 8, getSeconds: 5 });

type Size = 'small' | 'large';

/**
 * One caught-up log on its own server: get-by-id latency first (before new deliveries delete some of the
 * contacts asked for), then intake latency with new deliveries, and the server's peak memory after each run.
 */
const measureAt = (context: ScenarioContext, fixtureDir: string, size: Size): Promise<Measurements> =>
  withScope(async (scope) => {
    const { warmup, intakeSeconds, getSeconds } = sizes(context.quick);
    const dataDir = copyFixture(scope, fixtureDir, `cost-growth-${size}`);
    const random = seededRandom(11);
    const { live } = contactIdsIn(dataDir);
    const gets = (n: number) => Array.from({ length: n }, () => ({ method: 'GET' as const, path: `/contacts/${live[Math.floor(random() * live.length)]}` }));
    const perRun = Math.round(INTAKE_RATE * intakeSeconds);
    // New events for contacts both logs hold: another seed of the same generator, so other content, same ids.
    const deliveries = trafficDeliveries(warmup + perRun * context.runs, TRAFFIC_SEED + 1).map(webhookRequest);
    const server = await startBenchServer(scope, dataDir, { WEBHOOK_SECRET, SQLITE_DURABILITY: context.durability });
    await runLoad({ url: server.url, requests: gets(warmup), connections: CONNECTIONS });
    const getRuns = await repeat(context.runs, async () => {
      const get = requireSuccess('get-by-id', await runLoad({ url: server.url, requests: gets(Math.round(GET_RATE * getSeconds)), connections: CONNECTIONS, rate: GET_RATE }));
      return { get_p99: get.latencyMs(99) };
    });
    await runLoad({ url: server.url, requests: deliveries.slice(0, warmup), connections: CONNECTIONS });
    await server.caughtUp();
    const intakeRuns = await repeat(context.runs, async (run) => {
      const requests = deliveries.slice(warmup + run * perRun, warmup + (run + 1) * perRun);
      const intake = requireSuccess('intake', await runLoad({ url: server.url, requests, connections: CONNECTIONS, rate: INTAKE_RATE }));
      await server.caughtUp();
      return { intake_p50: intake.latencyMs(50), intake_p99: intake.latencyMs(99), rss: server.memoryMb().peak };
    });
    return Object.fromEntries(Object.entries({ ...getRuns, ...intakeRuns }).map(([key, values]) => [`${key}_${size}`, values]));
  });

const atBoth = (key: string, label: string, unit: string, small: string, large: string): FigureSpec[] => [
  { key: `${key}_small`, label: `${label}, ${small}-event log`, unit },
  { key: `${key}_large`, label: `${label}, ${large}-event log`, unit },
];

const growth = (key: string, label: string, small: string, large: string): FigureSpec => ({
  key: `${key}_growth`,
  label: `${label}, ${large} ÷ ${small}`,
  unit: '×',
  target: { atMost: FLAT_TOLERANCE },
  derive: (medianOf) => medianOf(`${key}_large`) / medianOf(`${key}_small`),
});

/**
 * The same server and loads over a small and a large event log (each with its read model caught up): intake
 * latency, get-by-id latency and memory should stay flat as the log grows. (Rebuild time at both sizes: the
 * catch-up scenario.) Each size has its own server and a fresh copy of its log.
 */
export const costGrowth: Scenario = {
  name: 'cost-growth',
  figures: (context) => {
    const [small, large] = [count(logSizes(context.quick).small), count(logSizes(context.quick).large)];
    return [
      ...atBoth('intake_p50', `intake p50 at ${INTAKE_RATE}/s`, 'ms', small, large),
      ...atBoth('intake_p99', `intake p99 at ${INTAKE_RATE}/s`, 'ms', small, large),
      growth('intake_p99', 'intake p99 growth', small, large),
      ...atBoth('get_p99', `get-by-id p99 at ${GET_RATE.toLocaleString('en')}/s`, 'ms', small, large),
      growth('get_p99', 'get-by-id p99 growth', small, large),
      ...atBoth('rss', 'server peak RSS', 'MB', small, large),
      growth('rss', 'server peak RSS growth', small, large),
    ];
  },
  measure: async (context) => {
    const { small, large } = logSizes(context.quick);
    const fixtures: Record<Size, string> = {
      small: (await context.fixtures.caughtUpLog(small)).dir,
      large: (await context.fixtures.caughtUpLog(large)).dir,
    };
    const measured = { ...(await measureAt(context, fixtures.small, 'small')), ...(await measureAt(context, fixtures.large, 'large')) };
    context.log(`cost growth: ${JSON.stringify(measured, (_key, value: unknown) => (typeof value === 'number' ? Number(value.toFixed(2)) : value))}`);
    return measured;
  },
};
