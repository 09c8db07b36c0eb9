import { repeat } from './figure.js';
import { runLoad, type LoadResult } from './load.js';
import type { Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';
import { trafficDeliveries, webhookRequest, WEBHOOK_SECRET } from './traffic.js';

const CONNECTIONS = 32;
const RATE = 2000;

const sizes = (quick: boolean) =>
  quick ? { warmup: 500, deliveries: 1500, pacedSeconds: 0.75 } : { warmup: 3000, deliveries: 30_000, pacedSeconds: 10 };

const failures = (result: LoadResult) => result.non2xx + result.errors;

/**
 * Signed deliveries over HTTP to the real server (a child process on a fresh data dir, signature verification
 * on, default durability), warmed up with deliveries that are not measured. Each run sends new deliveries: as
 * fast as 32 connections go, then paced at 2,000/s for latency, each after the read model has caught up.
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
    const perRun = deliveries + Math.round(RATE * pacedSeconds);
    const requests = trafficDeliveries(warmup + perRun * context.runs).map(webhookRequest);
    return withScope(async (scope) => {
      const server = await startBenchServer(scope, scope.tempDir('intake'), { WEBHOOK_SECRET });
      await runLoad({ url: server.url, requests: requests.slice(0, warmup), connections: CONNECTIONS });
      await server.caughtUp();
      return repeat(context.runs, async (run) => {
        const first = warmup + run * perRun;
        const fast = await runLoad({ url: server.url, requests: requests.slice(first, first + deliveries), connections: CONNECTIONS });
        await server.caughtUp();
        const paced = requests.slice(first + deliveries, first + perRun);
        const steady = await runLoad({ url: server.url, requests: paced, connections: CONNECTIONS, rate: RATE });
        await server.caughtUp();
        context.log(
          `intake: ${fast.perSecond.toFixed(0)} deliveries/s ${JSON.stringify(fast.statuses)}; at ${RATE}/s ` +
            `p99 ${steady.latencyMs(99).toFixed(2)} ms ${JSON.stringify(steady.statuses)}`,
        );
        return { throughput: fast.perSecond, p50: steady.latencyMs(50), p99: steady.latencyMs(99), failures: failures(fast) + failures(steady) };
      });
    });
  },
};
