import type { Measurements } from './figure.js';
import { runLoad, type LoadRequest } from './load.js';
import type { Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';
import { median, seconds } from './stats.js';
import type { TrafficDelivery } from '../test/support/skylight-traffic.js';
import { trafficDeliveries, webhookRequest, WEBHOOK_SECRET } from './traffic.js';

const RATE = 1000;
const CONNECTIONS = 32;
/** The last window's p99 and RSS may be this much above the first window's. */
const FLAT_TOLERANCE = 1.5;
const RSS_SAMPLE_MS = 1000;

const sizes = (quick: boolean) => (quick ? { windows: 4, windowSeconds: 5 } : { windows: 10, windowSeconds: 60 });

/** Requests signed per turn of the load generator's event loop while a window's load runs. */
const SIGNED_PER_TURN = 500;

/**
 * A window's signed requests, made during the window before it, a few at a time: all 600k at once would hold about
 * half a GB in the load generator, and signing 60k in one go would stall it for seconds, and both would show in the
 * latencies it measures.
 */
const signWindow = async (deliveries: readonly TrafficDelivery[]): Promise<LoadRequest[]> => {
  const requests: LoadRequest[] = [];
  for (let start = 0; start < deliveries.length; start += SIGNED_PER_TURN) {
    requests.push(...deliveries.slice(start, start + SIGNED_PER_TURN).map(webhookRequest));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return requests;
};

/**
 * Unique deliveries (every one a new delivery id; the traffic's retries are new ids too) at a steady 1,000/s into
 * one server on a fresh data dir, for 10 windows of a minute: each window's p99 and the server's RSS.
 * The soak is one long run whatever `--runs` says; its figures compare the server with itself within the run.
 * The server must then reach the log's head.
 */
export const soak: Scenario = {
  name: 'soak',
  figures: (context) => {
    const { windows, windowSeconds } = sizes(context.quick);
    const at = `${RATE.toLocaleString('en')} deliveries/s for ${windows} × ${windowSeconds} s`;
    return [
      { key: 'failed', label: `soak at ${at}: deliveries not answered 2xx (errors included)`, unit: 'deliveries', target: { atMost: 0 } },
      { key: 'rate_lowest', label: 'soak: deliveries answered per second, lowest window', unit: 'per s' },
      { key: 'p99_first', label: 'soak: intake p99 of the first window', unit: 'ms' },
      { key: 'p99_last', label: 'soak: intake p99 of the last window', unit: 'ms' },
      { key: 'p99_worst', label: 'soak: intake p99 of the worst window', unit: 'ms' },
      { key: 'p99_growth', label: 'soak: intake p99, last window ÷ first', unit: '×', target: { atMost: FLAT_TOLERANCE }, derive: (m) => m('p99_last') / m('p99_first') },
      { key: 'rss_first', label: 'soak: server RSS, median of the first window', unit: 'MB' },
      { key: 'rss_end', label: 'soak: server RSS, median of the last window', unit: 'MB' },
      { key: 'rss_growth', label: 'soak: server RSS, last window ÷ first', unit: '×', target: { atMost: FLAT_TOLERANCE }, derive: (m) => m('rss_end') / m('rss_first') },
      { key: 'catch_up', label: 'soak: from the last 2xx to the read model at the head', unit: 's' },
    ];
  },
  measure: (context) =>
    withScope(async (scope): Promise<Measurements> => {
      const { windows, windowSeconds } = sizes(context.quick);
      const perWindow = RATE * windowSeconds;
      const deliveries = trafficDeliveries(windows * perWindow);
      const requestsOf = (window: number) => signWindow(deliveries.slice(window * perWindow, (window + 1) * perWindow));
      const server = await startBenchServer(scope, scope.tempDir('soak'), { WEBHOOK_SECRET, SQLITE_DURABILITY: context.durability });
      const p99s: number[] = [];
      const rates: number[] = [];
      // RSS rises and falls by tens of MB with each collection: a window's is the median of one sample a second.
      const rss: number[] = [];
      let failed = 0;
      let next = await requestsOf(0);
      for (let window = 0; window < windows; window += 1) {
        const samples: number[] = [];
        const sampler = setInterval(() => samples.push(server.memoryMb().rss), RSS_SAMPLE_MS);
        const load = runLoad({ url: server.url, requests: next, connections: CONNECTIONS, rate: RATE });
        if (window + 1 < windows) next = await requestsOf(window + 1);
        const result = await load.finally(() => clearInterval(sampler));
        failed += result.non2xx + result.errors;
        p99s.push(result.latencyMs(99));
        rates.push(result.perSecond);
        rss.push(median(samples));
        context.log(
          `soak window ${window + 1}/${windows}: ${result.perSecond.toFixed(0)}/s, p50 ${result.latencyMs(50).toFixed(1)} ms, ` +
            `p99 ${result.latencyMs(99).toFixed(1)} ms, RSS ${rss.at(-1)?.toFixed(0)} MB (median; ${Math.min(...samples).toFixed(0)}–` +
            `${Math.max(...samples).toFixed(0)}), ${result.non2xx + result.errors} failed`,
        );
      }
      const lastAnswered = performance.now();
      await server.caughtUp();
      return {
        failed: [failed],
        rate_lowest: [Math.min(...rates)],
        p99_first: [p99s[0] ?? Number.NaN],
        p99_last: [p99s.at(-1) ?? Number.NaN],
        p99_worst: [Math.max(...p99s)],
        rss_first: [rss[0] ?? Number.NaN],
        rss_end: [rss.at(-1) ?? Number.NaN],
        catch_up: [seconds(lastAnswered)],
      };
    }),
};
