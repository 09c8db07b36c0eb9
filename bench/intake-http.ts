import { repeat } from './figure.js';
import { requireSuccess, runLoad, type LoadRequest, type LoadResult } from './load.js';
import type { Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBaselineServer, startBenchServer } from './server-process.js';
import { trafficDeliveries, webhookRequest, WEBHOOK_SECRET } from './traffic.js';

const CONNECTIONS = 32;
const RATE = 2000;

const sizes = (quick: boolean) =>
  quick ? { warmup: 500, deliveries: 1500, pacedSeconds: 0.75 } : { warmup: 3000, deliveries: 30_000, pacedSeconds: 10 };

const failures = (result: LoadResult) => result.non2xx + result.errors;

/**
 * Signed deliveries over HTTP to the real server (a child process on a fresh data dir, signature verification
 * on, the run's durability, the naive receiver's alike), warmed up with deliveries that are not measured. Each run sends new deliveries: as
 * fast as 32 connections go, then paced at 2,000/s for latency, each after the read model has caught up. The
 * same deliveries of each run go first, as fast, to the two baselines (bench/baseline-server.ts), so that
 * drift of the machine hits a run's three figures alike; the ratios are the median of the per-run ratios.
 */
export const intakeHttp: Scenario = {
  name: 'intake-http',
  figures: ({ durability }) => [
    { key: 'throughput', label: `intake over HTTP, signatures on, ${CONNECTIONS} connections, SQLITE_DURABILITY=${durability}`, unit: 'deliveries/s' },
    { key: 'rss', label: 'intake server peak RSS under that load (VmHWM since its start)', unit: 'MB' },
    {
      key: 'naive',
      label: `baseline: naive receiver (one SQLite INSERT per delivery, synchronous=${durability.toUpperCase()}), ${CONNECTIONS} connections`,
      unit: 'deliveries/s',
    },
    { key: 'do_nothing', label: `baseline: do-nothing HTTP server, ${CONNECTIONS} connections`, unit: 'deliveries/s' },
    { key: 'vs_naive', label: 'intake ÷ naive receiver (median of per-run ratios)', unit: '×', target: { atLeast: 1 } },
    { key: 'vs_do_nothing', label: 'intake ÷ do-nothing server (median of per-run ratios)', unit: '×', target: { atLeast: 0.55 } },
    { key: 'cpu_us', label: 'intake CPU per delivery, the server, all threads (from the first request to the read model caught up)', unit: 'µs' },
    { key: 'request_thread_cpu_us', label: 'intake CPU per delivery, the server\'s request thread alone', unit: 'µs' },
    { key: 'naive_cpu_us', label: 'baseline: naive receiver CPU per delivery', unit: 'µs' },
    { key: 'do_nothing_cpu_us', label: 'baseline: do-nothing server CPU per delivery', unit: 'µs' },
    { key: 'cpu_vs_naive', label: 'naive receiver\'s CPU per delivery ÷ the server\'s (medians)', unit: '×', derive: (m) => m('naive_cpu_us') / m('cpu_us') },
    { key: 'p50', label: `intake p50 at ${RATE.toLocaleString('en')} deliveries/s`, unit: 'ms' },
    { key: 'p99', label: `intake p99 at ${RATE.toLocaleString('en')} deliveries/s`, unit: 'ms', target: { atMost: 25 } },
    { key: 'failures', label: 'intake non-2xx or failed requests per run', unit: 'requests', target: { atMost: 0 } },
  ],
  measure: async (context) => {
    const { warmup, deliveries, pacedSeconds } = sizes(context.quick);
    const perRun = deliveries + Math.round(RATE * pacedSeconds);
    const requests = trafficDeliveries(warmup + perRun * context.runs).map(webhookRequest);
    return withScope(async (scope) => {
      const server = await startBenchServer(scope, scope.tempDir('intake'), { WEBHOOK_SECRET, SQLITE_DURABILITY: context.durability });
      const naive = await startBaselineServer(scope, 'naive-receiver', context.durability);
      const doNothing = await startBaselineServer(scope, 'do-nothing', context.durability);
      const asFast = (url: string, batch: readonly LoadRequest[]) => runLoad({ url, requests: batch, connections: CONNECTIONS });
      // The CPU each clock (a process, a thread) spent on a batch, per delivery, in µs: less sensitive than a rate to
      // what else the cores run.
      const cpuPerDelivery = async <T>(clocks: readonly (() => number)[], count: number, send: () => Promise<T>): Promise<{ result: T; us: number[] }> => {
        const before = clocks.map((clock) => clock());
        const result = await send();
        return { result, us: clocks.map((clock, i) => ((clock() - (before[i] ?? 0)) * 1e6) / count) };
      };
      for (const { url } of [doNothing, naive, server]) await asFast(url, requests.slice(0, warmup));
      await server.caughtUp();
      return repeat(context.runs, async (run) => {
        const first = warmup + run * perRun;
        const batch = requests.slice(first, first + deliveries);
        const doNothingCpu = await cpuPerDelivery([doNothing.cpuSeconds], batch.length, () => asFast(doNothing.url, batch));
        const doNothingRun = requireSuccess('do-nothing server', doNothingCpu.result);
        const naiveCpu = await cpuPerDelivery([naive.cpuSeconds], batch.length, () => asFast(naive.url, batch));
        const naiveRun = requireSuccess('naive receiver', naiveCpu.result);
        const serverCpu = await cpuPerDelivery([server.cpuSeconds, server.mainThreadCpuSeconds], batch.length, async () => {
          const result = await asFast(server.url, batch);
          await server.caughtUp();
          return result;
        });
        const fast = serverCpu.result;
        const [serverUs = NaN, requestThreadUs = NaN] = serverCpu.us;
        const [naiveUs = NaN] = naiveCpu.us;
        const [doNothingUs = NaN] = doNothingCpu.us;
        const paced = requests.slice(first + deliveries, first + perRun);
        const steady = await runLoad({ url: server.url, requests: paced, connections: CONNECTIONS, rate: RATE });
        await server.caughtUp();
        context.log(
          `intake: ${fast.perSecond.toFixed(0)} deliveries/s ${JSON.stringify(fast.statuses)} (naive receiver ` +
            `${naiveRun.perSecond.toFixed(0)}, do-nothing ${doNothingRun.perSecond.toFixed(0)}); at ${RATE}/s ` +
            `p99 ${steady.latencyMs(99).toFixed(2)} ms ${JSON.stringify(steady.statuses)}; CPU per delivery ${serverUs.toFixed(0)} µs ` +
            `(request thread ${requestThreadUs.toFixed(0)}; naive ${naiveUs.toFixed(0)}, do-nothing ${doNothingUs.toFixed(0)})`,
        );
        return {
          throughput: fast.perSecond,
          rss: server.memoryMb().peak,
          naive: naiveRun.perSecond,
          do_nothing: doNothingRun.perSecond,
          vs_naive: fast.perSecond / naiveRun.perSecond,
          vs_do_nothing: fast.perSecond / doNothingRun.perSecond,
          cpu_us: serverUs,
          request_thread_cpu_us: requestThreadUs,
          naive_cpu_us: naiveUs,
          do_nothing_cpu_us: doNothingUs,
          p50: steady.latencyMs(50),
          p99: steady.latencyMs(99),
          failures: failures(fast) + failures(steady),
        };
      });
    });
  },
};
