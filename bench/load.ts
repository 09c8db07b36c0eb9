import autocannon from 'autocannon';
import { percentile } from './stats.js';

export type LoadRequest = {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: Buffer;
  readonly headers?: Readonly<Record<string, string>>;
};

export type LoadOptions = {
  readonly url: string;
  /** Each sent exactly once, dealt round-robin to the connections, so no two connections repeat a request. */
  readonly requests: readonly LoadRequest[];
  readonly connections: number;
  /** Requests per second over all connections; unset: as fast as the server answers. */
  readonly rate?: number;
  /** Sees each response's body; parsing costs the load generator CPU, so only where a figure needs it. */
  readonly onResponse?: (status: number, body: string) => void;
};

export type LoadResult = {
  readonly completed: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly non2xx: number;
  /** Connection errors and timeouts. */
  readonly errors: number;
  /** Latency percentile of the 2xx responses, in ms, measured by autocannon per request (no coordinated-omission correction). */
  readonly latencyMs: (p: number) => number;
};

/**
 * autocannon paces a rate as a per-second quota that each connection sends back to back at the start of every
 * second. To approach an even rate, a paced load runs this many autocannon instances, each with its share of the
 * rate and connections, started evenly spread over one second (over the whole load when it is shorter): bursts
 * of rate/10 every 100 ms instead of one burst of `rate` per second.
 */
const PACED_WAVES = 10;

const deal = <T>(items: readonly T[], hands: number): T[][] =>
  Array.from({ length: hands }, (_, hand) => items.filter((_item, index) => index % hands === hand));

type Outcome = { statuses: Record<string, number>; latencies: number[]; errors: number; completed: number; lastAt: number };

const oneInstance = (
  options: LoadOptions,
  requests: readonly LoadRequest[],
  connections: number,
  rate: number | undefined,
  outcome: Outcome,
): Promise<void> =>
  new Promise((resolve, reject) => {
    const onResponse = options.onResponse;
    const shaped = requests.map((request) => ({
      method: request.method,
      path: request.path,
      ...(request.body === undefined ? {} : { body: request.body }),
      headers: { ...request.headers },
      ...(onResponse === undefined ? {} : { onResponse: (status: number, body: string) => onResponse(status, body) }),
    }));
    // autocannon never opens more connections than the rate; the slices must match the connections it opens.
    const slices = deal(shaped, Math.min(connections, shaped.length, rate ?? Number.POSITIVE_INFINITY));
    let nextSlice = 0;
    const instance = autocannon(
      {
        url: options.url,
        connections: slices.length,
        amount: shaped.length,
        ...(rate === undefined ? {} : { overallRate: rate }),
        // Each connection walks its own slice: distinct deliveries, never the same one from two connections.
        setupClient: (client) => client.setRequests(slices[nextSlice++ % slices.length] ?? []),
        timeout: 30,
        // autocannon notices that every connection is done only at its next sample tick (every second by default).
        sampleInt: 10,
      },
      (error: unknown) => (error === null || error === undefined ? resolve() : reject(error)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      outcome.completed += 1;
      outcome.lastAt = performance.now();
      outcome.statuses[statusCode] = (outcome.statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) outcome.latencies.push(responseTime);
    });
    instance.on('reqError', () => (outcome.errors += 1));
  });

/** Sends every request once through autocannon and measures throughput and latency. */
export const runLoad = async (options: LoadOptions): Promise<LoadResult> => {
  const outcome: Outcome = { statuses: {}, latencies: [], errors: 0, completed: 0, lastAt: Number.NaN };
  const started = performance.now();
  if (options.rate === undefined) {
    await oneInstance(options, options.requests, options.connections, undefined, outcome);
  } else {
    const waves = Math.min(PACED_WAVES, Math.floor(options.rate), options.requests.length);
    const rate = options.rate;
    const spacingMs = (Math.min(1, options.requests.length / rate) * 1000) / waves;
    await Promise.all(
      deal(options.requests, waves).map(
        (requests, wave) =>
          new Promise<void>((resolve, reject) =>
            setTimeout(() => {
              const share = Math.max(1, Math.round(rate / waves));
              oneInstance(options, requests, Math.max(1, Math.ceil(options.connections / waves)), share, outcome).then(resolve, reject);
            }, wave * spacingMs),
          ),
      ),
    );
  }
  // From the first request sent to the last response received.
  const seconds = (outcome.lastAt - started) / 1000;
  const non2xx = Object.entries(outcome.statuses).reduce((sum, [status, count]) => (status.startsWith('2') ? sum : sum + count), 0);
  return {
    completed: outcome.completed,
    seconds,
    perSecond: (outcome.completed - non2xx) / seconds,
    statuses: outcome.statuses,
    non2xx,
    errors: outcome.errors,
    latencyMs: (p) => percentile(outcome.latencies, p),
  };
};

/** The result, or an error naming the statuses when any request did not succeed. */
export const requireSuccess = (what: string, result: LoadResult): LoadResult => {
  if (result.non2xx + result.errors > 0) throw new Error(`${what}: ${JSON.stringify(result.statuses)}, ${result.errors} errors`);
  return result;
};
