import { setTimeout as sleep } from 'node:timers/promises';
import type { FigureSpec, Measurements } from './figure.js';
import type { BenchProcess } from './server-process.js';

export type CrowdOptions = {
  readonly server: BenchProcess;
  readonly clients: number;
  /** What the clients ask for, each client starting at its own place and taking them in turn. */
  readonly paths: readonly string[];
  /** Clients send no new request after this; those under way run to their end or their timeout. */
  readonly windowMs: number;
  /** A request not answered by then is given up, and counted dropped. */
  readonly requestTimeoutMs: number;
};

export type CrowdOutcome = {
  /** 2xx answers. */
  readonly answered: number;
  /** 429 or 503 answers, which carry Retry-After: the client waits that long, then goes on. */
  readonly turnedAway: number;
  /** Any other status. */
  readonly failed: number;
  /** No answer: the connection closed first, or the client gave up. */
  readonly dropped: number;
  readonly largestAnswerMb: number;
  readonly rssBeforeMb: number;
  /** The server's largest resident memory seen while the crowd asked (sampled every 100 ms). */
  readonly peakRssMb: number;
  /** The slowest /health answer, asked again and again from the crowd's start until the server is idle again. */
  readonly slowestHealthMs: number;
  /** From the crowd's last request's end until the server's CPU is idle: work it did for answers nobody waited for. */
  readonly busyAfterS: number;
};

const MB = 1024 * 1024;
const SAMPLE_MS = 100;
const IDLE_WINDOW_MS = 500;
/** CPU seconds per IDLE_WINDOW_MS below which the server counts as idle (10% of a core). */
const IDLE_CPU_S = 0.05;
const BUSY_AFTER_LIMIT_MS = 60_000;
const RETRY_AFTER_LIMIT_S = 5;

/** Waits until a window of IDLE_WINDOW_MS passes with the server's CPU below IDLE_CPU_S; seconds waited (capped). */
const untilIdle = async (server: BenchProcess): Promise<number> => {
  const started = performance.now();
  for (let before = server.cpuSeconds(); performance.now() - started < BUSY_AFTER_LIMIT_MS; ) {
    await sleep(IDLE_WINDOW_MS);
    const now = server.cpuSeconds();
    if (now - before < IDLE_CPU_S) break;
    before = now;
  }
  return Math.max(0, performance.now() - started - IDLE_WINDOW_MS) / 1000;
};

/**
 * A crowd of clients asking a server for costly answers back to back, as clients that give up after a timeout
 * and honour Retry-After do; meanwhile /health is asked again and again and the server's memory sampled.
 */
export const runCrowd = async (options: CrowdOptions): Promise<CrowdOutcome> => {
  const { server } = options;
  const counts = { answered: 0, turnedAway: 0, failed: 0, dropped: 0, largest: 0 };
  const rssBeforeMb = server.memoryMb().rss;
  let peakRssMb = rssBeforeMb;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, server.memoryMb().rss)), SAMPLE_MS);
  let probing = true;
  let slowestHealthMs = 0;
  const prober = (async () => {
    while (probing) {
      const asked = performance.now();
      await fetch(`${server.url}/health`).then((response) => response.arrayBuffer(), () => undefined);
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - asked);
      await sleep(SAMPLE_MS);
    }
  })();
  const endsAt = performance.now() + options.windowMs;
  const client = async (first: number) => {
    for (let n = first; performance.now() < endsAt; n += 1) {
      const path = options.paths[n % options.paths.length] ?? '/';
      try {
        const response = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(options.requestTimeoutMs) });
        counts.largest = Math.max(counts.largest, (await response.arrayBuffer()).byteLength);
        if (response.ok) counts.answered += 1;
        else if (response.status === 429 || response.status === 503) {
          counts.turnedAway += 1;
          const retryAfterS = Math.min(RETRY_AFTER_LIMIT_S, Number(response.headers.get('retry-after') ?? '1'));
          await sleep(Math.min(retryAfterS * 1000, Math.max(0, endsAt - performance.now())));
        } else counts.failed += 1;
      } catch {
        counts.dropped += 1;
      }
    }
  };
  let busyAfterS = Number.NaN;
  try {
    await Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
    busyAfterS = await untilIdle(server);
  } finally {
    probing = false;
    await prober;
    clearInterval(sampler);
  }
  return {
    answered: counts.answered,
    turnedAway: counts.turnedAway,
    failed: counts.failed,
    dropped: counts.dropped,
    largestAnswerMb: counts.largest / MB,
    rssBeforeMb,
    peakRssMb,
    slowestHealthMs,
    busyAfterS,
  };
};

/** The figures of one crowd, under keys starting with `key` and labels starting with `label`. */
export const crowdFigures = (key: string, label: string): FigureSpec[] => [
  { key: `${key}_answered`, label: `${label}: answered (2xx)`, unit: 'requests' },
  { key: `${key}_turned_away`, label: `${label}: turned away (429/503 with Retry-After)`, unit: 'requests' },
  { key: `${key}_dropped`, label: `${label}: dropped (no answer)`, unit: 'requests', target: { atMost: 0 } },
  { key: `${key}_failed`, label: `${label}: other statuses`, unit: 'requests', target: { atMost: 0 } },
  { key: `${key}_largest_answer`, label: `${label}: largest answer`, unit: 'MB' },
  { key: `${key}_rss_before`, label: `${label}: server RSS before`, unit: 'MB' },
  { key: `${key}_peak_rss`, label: `${label}: server peak RSS`, unit: 'MB' },
  { key: `${key}_slowest_health`, label: `${label}: slowest /health`, unit: 'ms', target: { atMost: 1000 } },
  { key: `${key}_busy_after`, label: `${label}: server busy after the crowd's last request`, unit: 's' },
];

export const crowdMeasurements = (key: string, outcome: CrowdOutcome): Measurements => ({
  [`${key}_answered`]: [outcome.answered],
  [`${key}_turned_away`]: [outcome.turnedAway],
  [`${key}_dropped`]: [outcome.dropped],
  [`${key}_failed`]: [outcome.failed],
  [`${key}_largest_answer`]: [outcome.largestAnswerMb],
  [`${key}_rss_before`]: [outcome.rssBeforeMb],
  [`${key}_peak_rss`]: [outcome.peakRssMb],
  [`${key}_slowest_health`]: [outcome.slowestHealthMs],
  [`${key}_busy_after`]: [outcome.busyAfterS],
});
