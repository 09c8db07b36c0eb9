import * as E from 'fp-ts/lib/Either.js';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { IntakeStatus } from '../intake/intake-outcome.js';
import type { ProjectionStanding } from '../runner/projection-standing.js';
import { describeEventStoreError, type EventStoreError } from '../store/event-store-error.js';
import { WRITER_ROLES, type WriterRole } from '../read-model/writer-lease.js';

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
  /** Whether this node applies the log or stands by (a read model several nodes share has one writer). */
  readonly role: () => WriterRole;
};

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** A counter or gauge in `registry`, by its labels. */
const counter = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]) =>
  new Counter({ name, help, labelNames, registers: [registry] });
const gauge = <L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]) =>
  new Gauge({ name, help, labelNames, registers: [registry] });
const latency = (registry: Registry, name: string, help: string) => new Histogram({ name, help, buckets: LATENCY_BUCKETS, registers: [registry] });

/** What is counted as it happens. */
const countedMetrics = (registry: Registry) => {
  const deliveries = counter(registry, 'skylight_deliveries_total', 'Webhook deliveries by what became of them', ['outcome']);
  for (const outcome of DELIVERY_OUTCOMES) deliveries.inc({ outcome }, 0);
  return {
    deliveries,
    intakeDuration: latency(registry, 'skylight_intake_duration_seconds', 'Time from receiving a webhook request to answering it'),
    appendDuration: latency(registry, 'skylight_store_append_duration_seconds', 'Time the event store took to append (durably) and answer'),
    storeErrors: counter(registry, 'skylight_store_errors_total', 'Event store operations that failed, by operation and error kind', ['operation', 'kind']),
    signatures: counter(registry, 'skylight_signature_verifications_total', 'Deliveries verified, by the fingerprint of the WEBHOOK_SECRET entry that matched', ['fingerprint']),
    httpRequests: counter(registry, 'skylight_http_requests_total', 'HTTP requests by route (as declared, e.g. /contacts/:id), method and status', ['route', 'method', 'status']),
    rebuildDone: gauge(registry, 'skylight_rebuild_events_done', 'Events folded so far by the rebuild that is running, per projection (absent when none runs)', ['projection']),
    rebuildTotal: gauge(registry, 'skylight_rebuild_events_planned', 'Events the running rebuild has to fold in all, per projection (absent when none runs)', ['projection']),
  };
};

/** What is read from the stores when scraped, once `scraped` gives where from. */
const scrapedMetrics = (registry: Registry, scraped: () => ScrapedState | undefined): void => {
  const projectionGauge = (name: string, help: string, value: (standing: ProjectionStanding) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['projection'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        for (const standing of (await scraped()?.projections()) ?? []) this.set({ projection: standing.name }, value(standing));
      },
    });
  projectionGauge('skylight_projection_checkpoint_position', 'Log position up to which the projection has applied events', (s) => s.position);
  projectionGauge('skylight_projection_lag_events', 'Events in the log the projection has not applied yet', (s) => s.lagEvents);
  projectionGauge('skylight_projection_lag_seconds', 'Age of the oldest event the projection has not applied yet (0 when caught up)', (s) => s.lagSeconds);
  projectionGauge('skylight_projection_unreadable_events', 'Events of a type the projection handles that were skipped as unreadable', (s) => s.unreadableEvents);
  new Gauge({
    name: 'skylight_runner_role',
    help: 'The part this node plays on its read model: 1 for the role it has now (writer applies the log, standby follows the writer)',
    labelNames: ['role'] as const,
    registers: [registry],
    collect() {
      this.reset();
      const role = scraped()?.role();
      if (role !== undefined) for (const each of WRITER_ROLES) this.set({ role: each }, each === role ? 1 : 0);
    },
  });
  new Gauge({
    name: 'skylight_quarantine_deliveries',
    help: 'Deliveries kept in the quarantine stream (retried ones included)',
    registers: [registry],
    async collect() {
      const size = await scraped()?.quarantineSize();
      if (size === undefined) this.reset();
      else this.set(size);
    },
  });
};

/**
 * Every metric the service exposes, in a registry of its own (two services in one process, as in tests, do not
 * share counts). Names start with `skylight_`; docs/operating.md lists them.
 */
export const serviceMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'skylight_' });
  const { deliveries, intakeDuration, appendDuration, storeErrors, signatures, httpRequests, rebuildDone, rebuildTotal } = countedMetrics(registry);
  let scraped: ScrapedState | undefined;
  scrapedMetrics(registry, () => scraped);
  let appendFailure: { readonly reason: string } | undefined;

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
    /** One append, timed, and remembered when the store refused it (what readiness reports); `storeError` counts it. */
    append: (seconds: number, result: E.Either<EventStoreError, unknown>) => {
      appendDuration.observe(seconds);
      if (E.isRight(result)) appendFailure = undefined;
      else if (result.left.kind === 'store_unavailable') appendFailure = { reason: describeEventStoreError(result.left) };
    },
    /** Why the last append failed, until an append or a write probe succeeds again. */
    appendFailure: () => appendFailure,
    /** A successful write probe clears the append failure: the store takes writes again. */
    writesRecovered: () => {
      appendFailure = undefined;
    },
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
