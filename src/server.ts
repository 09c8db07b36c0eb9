import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { StoredProjection } from '../projections/projection.js';
import { projections as registeredProjections } from '../projections/registry.js';
import type { Config } from './config.js';
import { erasureQueue, type ErasureQueue } from './erasure/erasure-queue.js';
import { forgetJobs } from './erasure/forget-job.js';
import { interruptedErasures } from './erasure/interrupted-erasures.js';
import { purgeAfterForgets } from './erasure/purge-after-forgets.js';
import { buildApp, createLogger } from './http/app.js';
import { registerErasureRoutes } from './http/erasure-routes.js';
import { builtConsoleDir, registerConsoleRoutes } from './http/console-route.js';
import { isLoopbackHost } from './http/loopback.js';
import { registerHistoryRoutes } from './http/history-routes.js';
import { logReads } from './http/log-reads.js';
import { registerMetricsRoute } from './http/metrics-route.js';
import { registerOverviewRoute } from './http/overview-route.js';
import { registerQuarantineRoutes } from './http/quarantine-routes.js';
import { registerQueryRoutes } from './http/query-routes.js';
import { registerReadyRoute } from './http/ready-route.js';
import { acceptDelivery, type IncomingDelivery } from './intake/accept-delivery.js';
import type { IntakeOutcome } from './intake/intake-outcome.js';
import { webhookSecrets } from './intake/signature.js';
import { observeStore } from './metrics/observed-store.js';
import { serviceMetrics, type ServiceMetrics } from './metrics/service-metrics.js';
import { appendedPerHour } from './overview/appended-per-hour.js';
import { quarantineSize } from './quarantine/quarantine-size.js';
import { retryJobs } from './quarantine/retry-job.js';
import type { ReadModel } from './read-model/read-model.js';
import { openReadModel } from './read-model/open-read-model.js';
import { claimOnceReachable, claimReadModel, refusal } from './runner/claim-read-model.js';
import { describeEventStoreError } from './store/event-store-error.js';
import { projectionStanding } from './runner/projection-standing.js';
import { rebuildOutdated } from './runner/rebuild-outdated.js';
import { startRunnerInWorker } from './runner/runner-in-worker.js';
import { startRunner, type Runner } from './runner/runner.js';
import { reportStartup } from './startup-report.js';
import type { OpenedStore } from './store/event-store.js';
import { openEventStore, type OpenEventStoreOptions } from './store/open-event-store.js';

export type Service = {
  readonly app: FastifyInstance;
  readonly store: OpenedStore;
  readonly runner: Runner;
  readonly readModel: ReadModel;
  readonly metrics: ServiceMetrics;
  /** Settles once the start-up rebuild of projections whose version changed has swapped in (at once if none). */
  readonly startupRebuild: Promise<void>;
  /** Stops accepting, finishes in-flight requests and the current batch, closes the stores. */
  readonly close: () => Promise<void>;
};

/** The composition root: configuration in, a ready (not yet listening) service out. */
export const composeService = async (
  config: Config,
  projections: readonly StoredProjection[] = registeredProjections,
  openStore: (config: Config, options: OpenEventStoreOptions) => Promise<OpenedStore> = openEventStore,
): Promise<Service> => {
  if (!isLoopbackHost(config.HOST) && config.API_TOKEN === undefined) {
    throw new Error(`API_TOKEN: required with a non-loopback HOST (${config.HOST}); refusing to serve the API to anyone`);
  }
  if (!isLoopbackHost(config.HOST) && config.WEBHOOK_SECRET === undefined) {
    throw new Error(`WEBHOOK_SECRET: required with a non-loopback HOST (${config.HOST}); refusing unsigned deliveries from anyone`);
  }
  const metrics = serviceMetrics();
  const logger = createLogger(config.LOG_LEVEL);
  const storeLog = logger.child({ component: 'event-store' });
  const storeOptions: OpenEventStoreOptions = {
    idIndex: true,
    onAvailability: (change) =>
      change.available
        ? storeLog.info({ unavailable_for_ms: change.unavailableForMs }, 'event store answers again')
        : storeLog.error({ reason: change.reason }, 'event store unavailable'),
  };
  const observed = observeStore(await openStore(config, storeOptions), metrics);
  const readModel = await openReadModel(config);
  const now = () => new Date();
  if (config.WEBHOOK_SECRET === undefined) {
    logger.warn('WEBHOOK_SECRET is not set: deliveries are accepted unsigned (JSON only); set it to verify X-Skylight-Signature');
  }
  const claimOptions = { store: observed.store, readModel, policy: config.FOREIGN_READ_MODEL, now };
  const rebuiltLoudly = (reason: string) =>
    logger.error({ reason }, 'read model was not built from this event log: emptied, rebuilding it from the start');
  const claim = await claimReadModel(claimOptions);
  if (E.isRight(claim) && claim.right.kind === 'refused') {
    await observed.store.close();
    await readModel.close();
    throw new Error(refusal(readModel.location, claim.right.reason));
  }
  if (E.isRight(claim) && claim.right.kind === 'rebuilt') rebuiltLoudly(claim.right.reason);
  if (E.isLeft(claim)) logger.warn({ reason: describeEventStoreError(claim.left) }, 'cannot check yet that the read model belongs to the event store; will once it answers');
  const runnerLog = logger.child({ component: 'runner' });
  const rebuildLog = logger.child({ component: 'rebuild' });
  const rebuildProgress = { update: metrics.rebuildProgress, ended: metrics.rebuildEnded };
  // A worker opens its store and projections from the configuration: a store or projections handed in (a test's
  // double, a bumped version) live in this thread's memory, so their runner runs in this thread.
  const inWorker =
    openStore === openEventStore && projections === registeredProjections
      ? await startRunnerInWorker({ config, readModel, log: runnerLog, rebuildLog, rebuildProgress, onStoreError: metrics.storeError, now })
      : undefined;
  const runner: Runner =
    inWorker ??
    startRunner({
      store: observed.store,
      readModel,
      projections,
      log: runnerLog,
      afterCommit: purgeAfterForgets({ store: observed.store, readModel, now, log: runnerLog }),
    });
  const store = observed.store;
  // Served before its worker runs, a delivery would wait for the worker's start (seconds from sources) to be applied.
  await runner.started;
  const laterClaim = E.isRight(claim)
    ? undefined
    : claimOnceReachable({
        ...claimOptions,
        retryMs: 1_000,
        decided: async (later) => {
          if (later.kind === 'refused') {
            logger.error({ reason: later.reason }, refusal(readModel.location, later.reason));
            await runner.stop();
          } else if (later.kind === 'rebuilt') {
            rebuiltLoudly(later.reason);
            await readModel.catalog.ensure(projections, now().toISOString());
            await runner.reload();
          }
        },
      });
  const startupRebuild = inWorker?.startupRebuild ?? (await rebuildOutdated({ store, readModel, runner, projections, log: rebuildLog, progress: rebuildProgress }));
  const standing = () => projectionStanding({ store, runner, readModel, projections, now });
  metrics.readFrom({
    projections: async () => E.getOrElseW(() => ({ projections: [] }))(await standing()).projections,
    quarantineSize: async () => E.getOrElseW(() => undefined)(await quarantineSize(store)),
  });
  const erasure = {
    store,
    now,
    readModel,
    applied: (position: number) => runner.waitFor(position, ERASURE_APPLY_WAIT_MS),
  };
  const erasureLog = logger.child({ component: 'erasure' });
  const erasures = erasureQueue(erasure, erasureLog);
  const interrupted = await interruptedErasures(store);
  if (E.isRight(interrupted)) for (const key of interrupted.right) erasures.enqueue(key, 'resumed as the server started: an earlier forget was interrupted');
  const forgets = forgetJobs({ ...erasure, onError: (error) => erasureLog.error({ err: error }, 'forget job failed') });
  const secrets = config.WEBHOOK_SECRET === undefined ? undefined : webhookSecrets(config.WEBHOOK_SECRET);
  if (secrets !== undefined) logger.info({ fingerprints: secrets.map((s) => s.fingerprint) }, 'webhook secrets accepted');
  const startedAt = now().toISOString();
  const reads = logReads(config.MAX_INFLIGHT_LOG_READS);
  const quarantineRetries = retryJobs({ store, now, onError: (error) => logger.error({ err: error }, 'quarantine retry job failed') });
  try {
    const app = await buildApp({
      accept: eraseOnDeletion(
        acceptDelivery({ store, webhookSecrets: secrets, now, onVerified: metrics.signatureVerified }),
        config.ERASE_ON_CONTACT_DELETED ? erasures : undefined,
      ),
      maxBodyBytes: config.MAX_BODY_BYTES,
      maxInflightIntake: config.MAX_INFLIGHT_INTAKE,
      signedDeliveries: config.WEBHOOK_SECRET !== undefined,
      connections: {
        requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
        headersTimeoutMs: config.HEADERS_TIMEOUT_MS,
        connectionTimeoutMs: config.CONNECTION_TIMEOUT_MS,
        maxConnections: config.MAX_CONNECTIONS,
      },
      apiToken: config.API_TOKEN,
      logger,
      metrics,
      routes: [
        (instance) => registerReadyRoute(instance, { store: observed, standing, stallAfterMs: config.STALL_AFTER_MS, runnerFailure: inWorker?.failure }),
        (instance) => registerMetricsRoute(instance, metrics.registry),
        (instance) =>
          registerQueryRoutes(instance, {
            queries: readModel.queries,
            runner,
            minPositionWaitMs: config.MIN_POSITION_WAIT_MS,
            store,
            logReads: reads,
          }),
        (instance) => registerHistoryRoutes(instance, { store, logReads: reads }),
        (instance) => registerQuarantineRoutes(instance, { store, now, jobs: quarantineRetries }),
        // Forgetting is never open to anonymous callers.
        ...(config.API_TOKEN === undefined ? [] : [(instance: FastifyInstance) => registerErasureRoutes(instance, { store, jobs: forgets })]),
        (instance) =>
          registerOverviewRoute(instance, {
            store,
            standing,
            rebuild: startupRebuild.status,
            deliveries: { byOutcome: metrics.deliveriesByOutcome, since: startedAt },
            appendedPerHour: appendedPerHour(store),
            now,
          }),
        (instance) => registerConsoleRoutes(instance, { directory: builtConsoleDir() }),
      ],
    });
    return {
      app,
      store,
      runner,
      readModel,
      metrics,
      startupRebuild: startupRebuild.done,
      close: async () => {
        // Node closes idle keep-alive connections once, as closing starts; one whose request finishes later would
        // stay open until the keep-alive timeout (CONNECTION_TIMEOUT_MS) and hold the shutdown. So close each as it becomes idle.
        const closeIdle = setInterval(() => app.server.closeIdleConnections(), 50);
        try {
          await app.close();
        } finally {
          clearInterval(closeIdle);
        }
        await quarantineRetries.stop();
        await laterClaim?.stop();
        await erasures.drain();
        await forgets.stop();
        await startupRebuild.stop();
        await runner.stop();
        await store.close();
        await readModel.close();
      },
    };
  } catch (error) {
    await laterClaim?.stop();
    await startupRebuild.stop();
    await runner.stop();
    await store.close();
    await readModel.close();
    throw error;
  }
};

/** How long an erasure waits for the runner to apply the forget before purging the read model's file. */
const ERASURE_APPLY_WAIT_MS = 30_000;

/** ERASE_ON_CONTACT_DELETED: a contact.deleted from SkyLight queues the contact's erasure once it is stored. */
const eraseOnDeletion =
  (accept: (delivery: IncomingDelivery) => Promise<IntakeOutcome>, erasures: ErasureQueue | undefined) =>
  async (delivery: IncomingDelivery): Promise<IntakeOutcome> => {
    const outcome = await accept(delivery);
    if (erasures !== undefined && outcome.status === 'appended' && outcome.event === 'contact.deleted') {
      erasures.enqueue(outcome.stream.slice('contact-'.length), 'contact.deleted received from SkyLight (ERASE_ON_CONTACT_DELETED)');
    }
    return outcome;
  };

type RunningServer = Service & { readonly url: string };

export const startServer = async (config: Config): Promise<RunningServer> => {
  const service = await composeService(config);
  try {
    const url = await service.app.listen({ port: config.PORT, host: config.HOST });
    await reportStartup({ ...service, log: service.app.log }, config, url);
    return { ...service, url };
  } catch (error) {
    await service.close();
    throw error;
  }
};
