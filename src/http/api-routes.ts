import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { ForgetJobs } from '../erasure/forget-job.js';
import type { ObservedStore } from '../metrics/observed-store.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { appendedPerHour } from '../overview/appended-per-hour.js';
import type { RetryJobs } from '../quarantine/retry-job.js';
import type { ReadModel } from '../read-model/read-model.js';
import type { projectionStanding } from '../runner/projection-standing.js';
import type { StartupRebuild } from '../runner/rebuild-outdated.js';
import type { Runner } from '../runner/runner.js';
import { builtConsoleDir, registerConsoleRoutes } from './console-route.js';
import { registerDeliveryRoutes } from './delivery-routes.js';
import { registerErasureRoutes } from './erasure-routes.js';
import { registerHistoryRoutes } from './history-routes.js';
import { logReads } from './log-reads.js';
import { registerMetricsRoute } from './metrics-route.js';
import { registerOverviewRoute } from './overview-route.js';
import { registerQuarantineRoutes } from './quarantine-routes.js';
import { registerQueryRoutes } from './query-routes.js';
import { registerReadyRoute } from './ready-route.js';

export type ApiRouteDeps = {
  readonly observed: ObservedStore;
  readonly readModel: ReadModel;
  readonly runner: Runner;
  readonly standing: () => ReturnType<typeof projectionStanding>;
  readonly runnerFailure: (() => string | undefined) | undefined;
  readonly startupRebuild: Pick<StartupRebuild, 'status'>;
  readonly metrics: Pick<ServiceMetrics, 'registry' | 'deliveriesByOutcome'>;
  /** When this server started: the deliveries the overview counts are since then. */
  readonly startedAt: string;
  readonly quarantineRetries: RetryJobs;
  readonly forgets: ForgetJobs;
  readonly now: () => Date;
};

/** Every route of the API beside the health check and the webhook, in the order the OpenAPI document lists them. */
export const apiRoutes = (config: Config, deps: ApiRouteDeps): ReadonlyArray<(app: FastifyInstance) => void> => {
  const { observed, readModel, runner, standing, now } = deps;
  const store = observed.store;
  const reads = logReads(config.MAX_INFLIGHT_LOG_READS);
  return [
    (instance) => registerReadyRoute(instance, { store: observed, standing, stallAfterMs: config.STALL_AFTER_MS, runnerFailure: deps.runnerFailure, role: runner.role }),
    (instance) => registerMetricsRoute(instance, deps.metrics.registry),
    (instance) =>
      registerQueryRoutes(instance, { queries: readModel.queries, runner, minPositionWaitMs: config.MIN_POSITION_WAIT_MS, store, logReads: reads }),
    (instance) =>
      registerDeliveryRoutes(instance, { queries: readModel.queries, runner, minPositionWaitMs: config.MIN_POSITION_WAIT_MS, store, logReads: reads }),
    (instance) => registerHistoryRoutes(instance, { store, logReads: reads }),
    (instance) => registerQuarantineRoutes(instance, { store, now, jobs: deps.quarantineRetries }),
    // Forgetting is never open to anonymous callers.
    ...(config.API_TOKEN === undefined ? [] : [(instance: FastifyInstance) => registerErasureRoutes(instance, { store, jobs: deps.forgets })]),
    (instance) =>
      registerOverviewRoute(instance, {
        store,
        standing,
        rebuild: deps.startupRebuild.status,
        role: runner.role,
        deliveries: { byOutcome: deps.metrics.deliveriesByOutcome, since: deps.startedAt },
        appendedPerHour: appendedPerHour(store),
        now,
      }),
    (instance) => registerConsoleRoutes(instance, { directory: builtConsoleDir() }),
  ];
};
