import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IntakeStatus } from '../intake/intake-outcome.js';
import type { ProjectionStanding } from '../runner/projection-standing.js';

/** What became of a webhook request: an intake outcome, or one the HTTP layer decided before intake ran. */
export type DeliveryOutcome = IntakeStatus | 'too_large' | 'throttled' | 'error';

const DELIVERY_OUTCOMES: readonly DeliveryOutcome[] = [
  'appended',
  'duplicate',
  'quarantined',
  'unrecognized',
  'rejected',
  'unauthorized',
  'too_large',
  'throttled',
  'unavailable',
  'error',
];


/** What is read from the stores when scraped rather than counted as it happens. */
type ScrapedState = {
  readonly projections: () => Promise<readonly ProjectionStanding[]>;
  readonly quarantineSize: () => Promise<number | undefined>;
};

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every metric the service exposes, in a registry of its own (two services in one process, as in tests, do not
 * share counts). Names start with `skylight_`; docs/operating.md lists them.
 */
export const serviceMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'skylight_' });
  const registers = [registry];

  const deliveries = new Counter({
    name: 'skylight_deliveries_total',
    help: 'Webhook deliveries by what became of them',
    labelNames: ['outcome'] as const,
    registers,
  });
  for (const outcome of DELIVERY_OUTCOMES) deliveries.inc({ outcome }, 0);
  const intakeDuration = new Histogram({
    name: 'skylight_intake_duration_seconds',
    help: 'Time from receiving a webhook request to answering it',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const appendDuration = new Histogram({
    name: 'skylight_store_append_duration_seconds',
    help: 'Time the event store took to append (durably) and answer',
    buckets: LATENCY_BUCKETS,
    registers,
  });
  const storeErrors = new Counter({
    name: 'skylight_store_errors_total',
    help: 'Event store operations that failed, by operation and error kind',
    labelNames: ['operation', 'kind'] as const,
    registers,
  });
  const signatures = new Counter({
    name: 'skylight_signature_verifications_total',
    help: 'Deliveries verified, by the fingerprint of the WEBHOOK_SECRET entry that matched',
    labelNames: ['fingerprint'] as const,
    registers,
  });
  const httpRequests = new Counter({
    name: 'skylight_http_requests_total',
    help: 'HTTP requests by route (as declared, e.g. /contacts/:id), method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const rebuildDone = new Gauge({
    name: 'skylight_rebuild_events_done',
    help: 'Events folded so far by the rebuild that is running, per projection (absent when none runs)',
    labelNames: ['projection'] as const,
    registers,
  });
  const rebuildTotal = new Gauge({
    name: 'skylight_rebuild_events_planned',
    help: 'Events the running rebuild has to fold in all, per projection (absent when none runs)',
    labelNames: ['projection'] as const,
    registers,
  });

  let scraped: ScrapedState | undefined;
  const projectionGauge = (name: string, help: string, value: (standing: ProjectionStanding) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['projection'] as const,
      registers,
      async collect() {
        this.reset();
        for (const standing of (await scraped?.projections()) ?? []) this.set({ projection: standing.name }, value(standing));
      },
    });
  projectionGauge('skylight_projection_checkpoint_position', 'Log position up to which the projection has applied events', (s) => s.position);
  projectionGauge('skylight_projection_lag_events', 'Events in the log the projection has not applied yet', (s) => s.lagEvents);
  projectionGauge('skylight_projection_lag_seconds', 'Age of the oldest event the projection has not applied yet (0 when caught up)', (s) => s.lagSeconds);
  projectionGauge('skylight_projection_unreadable_events', 'Events of a type the projection handles that were skipped as unreadable', (s) => s.unreadableEvents);
  new Gauge({
    name: 'skylight_quarantine_deliveries',
    help: 'Deliveries kept in the quarantine stream (retried ones included)',
    registers,
    async collect() {
      const size = await scraped?.quarantineSize();
      if (size === undefined) this.reset();
      else this.set(size);
    },
  });

  return {
    registry,
    /** Where the scrape-time gauges read from; set once the stores are open. */
    readFrom: (state: ScrapedState) => {
      scraped = state;
    },
    delivery: (outcome: DeliveryOutcome, seconds: number) => {
      deliveries.inc({ outcome });
      intakeDuration.observe(seconds);
    },
    /** Deliveries by outcome since the process started (what a console shows). */
    deliveriesByOutcome: async (): Promise<Record<DeliveryOutcome, number>> => {
      const counts = Object.fromEntries(DELIVERY_OUTCOMES.map((o) => [o, 0])) as Record<DeliveryOutcome, number>;
      for (const { labels, value } of (await deliveries.get()).values) counts[labels.outcome as DeliveryOutcome] = value;
      return counts;
    },
    append: (seconds: number) => appendDuration.observe(seconds),
    storeError: (operation: string, kind: string) => storeErrors.inc({ operation, kind }),
    signatureVerified: (fingerprint: string) => signatures.inc({ fingerprint }),
    httpRequest: (route: string, method: string, status: number) => httpRequests.inc({ route, method, status: String(status) }),
    /** `total` is unknown on EventStoreDB (its positions do not count events): the gauge is then absent. */
    rebuildProgress: (projections: readonly string[], done: number, total: number | undefined) => {
      for (const projection of projections) {
        rebuildDone.set({ projection }, done);
        if (total === undefined) rebuildTotal.remove({ projection });
        else rebuildTotal.set({ projection }, total);
      }
    },
    rebuildEnded: (projections: readonly string[]) => {
      for (const projection of projections) {
        rebuildDone.remove({ projection });
        rebuildTotal.remove({ projection });
      }
    },
  };
};
export type ServiceMetrics = ReturnType<typeof serviceMetrics>;
