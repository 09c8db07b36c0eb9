import { repeat } from './figure.js';
import { runLoad, type LoadResult } from './load.js';
import type { Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';
import { trafficDeliveries, webhookRequest, WEBHOOK_SECRET } from './traffic.js';

const CONNECTIONS = 32;
const RATE = 2000;

const sizes = (quick: boolean) =>
  quick ? { warmup: 1000, deliveries: 8000, pacedSeconds: 2 } : { warmup: 3000, deliveries: 60_000, pacedSeconds: 10 };

const failures = (result: LoadResult) => result.non2xx + result.errors;

/**
 * Signed deliveries over HTTP to the real server (a child process, signature verification on, default
 * durability): as fast as 32 connections go, and paced at 2,000/s for latency. Each measurement starts a
 * fresh server on a fresh data dir and warms it up with deliveries that are not measured.
 */
export const intakeHttp: Scenario = {
  name: 'intake-http',
  figures: () => [
    { key: 'throughput', label: `intake over HTTP, ${CONNECTIONS} connections`, unit: 'deliveries/s', target: { atLeast: 8000 } },
    { key: 'p50', label: `intake p50 at ${RATE.toLocaleString('en')} deliveries/s`, unit: 'ms' },
    { key: 'p99', label: `intake p99 at ${RATE.toLocaleString('en')} deliveries/s`, unit: 'ms', target: { atMost: 25 } },
    { key: 'failures', label: 'intake non-2xx or failed requests per run', unit: 'requests', target: { atMost: 0 } },
  ],
  measure: async (context) => {
    const { warmup, deliveries, pacedSeconds } = sizes(context.quick);
    const requests = trafficDeliveries(warmup + Math.max(deliveries, RATE * pacedSeconds)).map(webhookRequest);
    const warmupRequests = requests.slice(0, warmup);
    const measured = requests.slice(warmup, warmup + deliveries);
    const paced = requests.slice(warmup, warmup + RATE * pacedSeconds);
    return repeat(context.runs, async () => {
      const measure = (connections: number, list: typeof requests, rate?: number) =>
        withScope(async (scope) => {
          const server = await startBenchServer(scope, scope.tempDir('intake'), { WEBHOOK_SECRET });
          await runLoad({ url: server.url, requests: warmupRequests, connections });
          await server.caughtUp();
          return runLoad({ url: server.url, requests: list, connections, ...(rate === undefined ? {} : { rate }) });
        });
      const fast = await measure(CONNECTIONS, measured);
      const steady = await measure(CONNECTIONS, paced, RATE);
      context.log(
        `intake: ${fast.perSecond.toFixed(0)} deliveries/s (${JSON.stringify(fast.statuses)}); at ${RATE}/s: ` +
          `${steady.perSecond.toFixed(0)}/s achieved, p99 ${steady.latencyMs(99).toFixed(2)} ms (${JSON.stringify(steady.statuses)})`,
      );
      return { throughput: fast.perSecond, p50: steady.latencyMs(50), p99: steady.latencyMs(99), failures: failures(fast) + failures(steady) };
    });
  },
};
