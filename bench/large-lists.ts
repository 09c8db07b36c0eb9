import { crowdFigures, crowdMeasurements, runCrowd } from './crowd.js';
import type { Scenario } from './scenario.js';
import { withScope } from './scope.js';
import { startBenchServer, type BenchServer } from './server-process.js';

const sizes = (quick: boolean) => (quick ? { contacts: 30, crowds: [10, 20], windowMs: 8_000 } : { contacts: 100, crowds: [10, 20], windowMs: 20_000 });

const EXTRA_FIELDS = 32;
const EMPTY_OBJECTS = 9_000;
const REQUEST_TIMEOUT_MS = 30_000;
const MB = 1024 * 1024;

/** An update whose 32 extra fields each hold 9,000 `{}`: an 864 KB body, within every intake bound. */
const heavyUpdate = (id: number): string =>
  JSON.stringify({
    event: 'contact.updated',
    delivery_id: `heavy-extras-${id}`,
    timestamp: '2026-03-04T12:00:00.000000Z',
    data: {
      contact: {
        id,
        name: `Contact ${id}`,
        updated_at: '2026-03-04T12:00:00.000000Z',
        ...Object.fromEntries(Array.from({ length: EXTRA_FIELDS }, (_, i) => [`extra_${i}`, Array.from({ length: EMPTY_OBJECTS }, () => ({}))])),
      },
    },
  });

/** All the updates at once over HTTP; the seconds until every one was answered 2xx, and the server's peak RSS. */
const postAtOnce = async (server: BenchServer, contacts: number): Promise<{ seconds: number; peakRssMb: number }> => {
  let peakRssMb = server.memoryMb().rss;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, server.memoryMb().rss)), 100);
  const started = performance.now();
  try {
    const statuses = await Promise.all(
      Array.from({ length: contacts }, async (_, i) => {
        const response = await fetch(`${server.url}/webhooks/skylight`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: heavyUpdate(i + 1) });
        await response.arrayBuffer();
        return response.status;
      }),
    );
    const refused = statuses.filter((status) => status >= 300);
    if (refused.length > 0) throw new Error(`intake refused ${refused.length} updates: ${refused.join(', ')}`);
    return { seconds: (performance.now() - started) / 1000, peakRssMb };
  } finally {
    clearInterval(sampler);
  }
};

/**
 * Issue 24, item 5: contacts whose updates carry 32 extra fields of 9,000 `{}` each (accepted by intake), then a
 * crowd of clients listing them 500 a page, back to back; what the answers, the server's memory and /health
 * become. A reliability run, once per bench.
 */
export const largeLists: Scenario = {
  name: 'large-lists',
  figures: (context) => {
    const { contacts, crowds } = sizes(context.quick);
    return [
      { key: 'intake_seconds', label: `${contacts} updates of ${(heavyUpdate(1).length / MB).toFixed(2)} MB posted at once: all answered in`, unit: 's' },
      { key: 'intake_peak_rss', label: `${contacts} updates posted at once: server peak RSS`, unit: 'MB' },
      ...crowds.flatMap((clients) => crowdFigures(`c${clients}`, `${clients} clients listing /contacts?limit=500`)),
    ];
  },
  measure: async (context) => {
    const { contacts, crowds, windowMs } = sizes(context.quick);
    return withScope(async (scope) => {
      const server = await startBenchServer(scope, scope.tempDir('large-lists'));
      const intake = await postAtOnce(server, contacts);
      await server.caughtUp();
      let measured = { intake_seconds: [intake.seconds], intake_peak_rss: [intake.peakRssMb] };
      for (const clients of crowds) {
        const outcome = await runCrowd({ server, clients, paths: ['/contacts?limit=500'], windowMs, requestTimeoutMs: REQUEST_TIMEOUT_MS });
        context.log(`large-lists: ${clients} clients: ${JSON.stringify(outcome)}`);
        measured = { ...measured, ...crowdMeasurements(`c${clients}`, outcome) };
      }
      return measured;
    });
  },
};
