import * as E from 'fp-ts/lib/Either.js';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Projection } from '../projections/projection.js';
import { projections as registeredProjections } from '../projections/registry.js';
import type { Config } from './config.js';
import type { EraseDeps } from './erasure/erase-contact.js';
import { erasureQueue, type ErasureQueue } from './erasure/erasure-queue.js';
import { forgetJobs } from './erasure/forget-job.js';
import { interruptedErasures } from './erasure/interrupted-erasures.js';
import { purgeAfterForgets } from './erasure/purge-after-forgets.js';
import { apiRoutes } from './http/api-routes.js';
import { buildApp, createLogger, isLoopbackHost } from './http/app.js';
import { acceptDelivery } from './intake/accept-delivery.js';
import { webhookSecrets } from './intake/signature.js';
import { observedStore } from './metrics/observed-store.js';
import { serviceMetrics, type ServiceMetrics } from './metrics/service-metrics.js';
import { quarantineSize } from './quarantine/quarantine-size.js';
import { retryJobs } from './quarantine/retry-job.js';
import type { ReadModel } from './read-model/read-model.js';
import { openReadModel } from './read-model/open-read-model.js';
import { claimOnceReachable, claimReadModel, refusal } from './runner/claim-read-model.js';
import { describeEventStoreError } from './store/event-store-error.js';
import { projectionStanding } from './runner/projection-standing.js';
import { rebuildOutdated, type StartupRebuild } from './runner/rebuild-outdated.js';
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

/** A service on a network address serves no one anonymously: it needs a token for its API and a secret for its webhook. */
const refuseServingAnyone = (config: Config): void => {
  if (!isLoopbackHost(config.HOST) && config.API_TOKEN === undefined) {
    throw new Error(`API_TOKEN: required with a non-loopback HOST (${config.HOST}); refusing to serve the API to anyone`);
  }
  if (!isLoopbackHost(config.HOST) && config.WEBHOOK_SECRET === undefined) {
    throw new Error(`WEBHOOK_SECRET: required with a non-loopback HOST (${config.HOST}); refusing unsigned deliveries from anyone`);
  }
};

/** The store tells the log when it stops answering and when it answers again. */
const storeOptions = (logger: FastifyBaseLogger): OpenEventStoreOptions => {
  const storeLog = logger.child({ component: 'event-store' });
  return {
    idIndex: true,
    onAvailability: (change) =>
      change.available
        ? storeLog.info({ unavailable_for_ms: change.unavailableForMs }, 'event store answers again')
        : storeLog.error({ reason: change.reason }, 'event store unavailable'),
  };
};

const rebuiltLoudly = (logger: FastifyBaseLogger, reason: string): void =>
  logger.error({ reason }, 'read model was not built from this event log: emptied, rebuilding it from the start');

type ClaimOptions = Parameters<typeof claimReadModel>[0];

/**
 * The read model's claim at start: a refusal closes the stores and ends the start, a rebuild is said loudly, and a
 * store that cannot be asked leaves the claim to be made once it answers (the Left returned).
 */
const claimAtStart = async (claimOptions: ClaimOptions, readModelFile: string, logger: FastifyBaseLogger) => {
  const claim = await claimReadModel(claimOptions);
  if (E.isRight(claim) && claim.right.kind === 'refused') {
    await claimOptions.store.close();
    await claimOptions.readModel.close();
    throw new Error(refusal(readModelFile, claim.right.reason));
  }
  if (E.isRight(claim) && claim.right.kind === 'rebuilt') rebuiltLoudly(logger, claim.right.reason);
  if (E.isLeft(claim)) logger.warn({ reason: describeEventStoreError(claim.left) }, 'cannot check yet that the read model belongs to the event store; will once it answers');
  return claim;
};

/** The claim made once the store answers: a refusal stops the runner, a rebuild reloads it. */
const claimLater = (claimOptions: ClaimOptions, readModelFile: string, logger: FastifyBaseLogger, runner: Runner, projections: readonly Projection[]) =>
  claimOnceReachable({
    ...claimOptions,
    retryMs: 1_000,
    decided: async (later) => {
      if (later.kind === 'refused') {
        logger.error({ reason: later.reason }, refusal(readModelFile, later.reason));
        await runner.stop();
      } else if (later.kind === 'rebuilt') {
        rebuiltLoudly(logger, later.reason);
        await claimOptions.readModel.catalog.ensure(projections, claimOptions.now().toISOString());
        await runner.reload();
      }
    },
  });

/** Erasures the service runs: those queued by deliveries (and resumed when an earlier one was interrupted), and forget jobs. */
const startErasures = async (erasure: EraseDeps, logger: FastifyBaseLogger) => {
  const erasureLog = logger.child({ component: 'erasure' });
  const erasures = erasureQueue(erasure, erasureLog);
  const interrupted = await interruptedErasures(erasure.store);
  if (E.isRight(interrupted)) for (const key of interrupted.right) erasures.enqueue(key, 'resumed as the server started: an earlier forget was interrupted');
  const forgets = forgetJobs({ ...erasure, onError: (error) => erasureLog.error({ err: error }, 'forget job failed') });
  return { erasures, forgets };
};

type ProjectingDeps = {
  readonly config: Config;
  readonly store: OpenedStore;
  readonly readModel: ReadModel;
  readonly projections: readonly Projection[];
  readonly logger: FastifyBaseLogger;
  readonly metrics: ServiceMetrics;
  readonly now: () => Date;
  /** Whether the runner runs in a worker thread of its own. */
  readonly inWorkerThread: boolean;
};

/** The runner, started (in its worker thread, or in this one), and the start-up rebuild of outdated projections to start next. */
const startProjecting = async ({ config, store, readModel, projections, logger, metrics, now, inWorkerThread }: ProjectingDeps) => {
  const runnerLog = logger.child({ component: 'runner' });
  const rebuildLog = logger.child({ component: 'rebuild' });
  const rebuildProgress = { update: metrics.rebuildProgress, ended: metrics.rebuildEnded };
  const inWorker = inWorkerThread
    ? await startRunnerInWorker({ config, readModel, log: runnerLog, rebuildLog, rebuildProgress, onStoreError: metrics.storeError })
    : undefined;
  const runner: Runner =
    inWorker ?? startRunner({ store, readModel, projections, log: runnerLog, afterCommit: purgeAfterForgets({ store, readModel, now, log: runnerLog }) });
  // Served before its worker runs, a delivery would wait for the worker's start (seconds from sources) to be applied.
  await runner.started;
  const startupRebuild = async (): Promise<StartupRebuild> =>
    inWorker?.startupRebuild ?? (await rebuildOutdated({ store, readModel, runner, projections, log: rebuildLog, progress: rebuildProgress }));
  return { runner, inWorker, startupRebuild };
};

/** Closes the app, closing each keep-alive connection as it becomes idle. */
const closeApp = async (app: FastifyInstance): Promise<void> => {
  // Node closes idle keep-alive connections once, as closing starts; one whose request finishes later would
  // stay open until the keep-alive timeout (CONNECTION_TIMEOUT_MS) and hold the shutdown. So close each as it becomes idle.
  const closeIdle = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(closeIdle);
  }
};

/** The composition root: configuration in, a ready (not yet listening) service out. */
export const composeService = async (
  config: Config,
  projections: readonly Projection[] = registeredProjections,
  openStore: (config: Config, options: OpenEventStoreOptions) => Promise<OpenedStore> = openEventStore,
): Promise<Service> => {
  refuseServingAnyone(config);
  const metrics = serviceMetrics();
  const logger = createLogger(config.LOG_LEVEL);
  const opened = await openStore(config, storeOptions(logger));
  const observed = observedStore(opened, metrics);
  const { store } = observed;
  const readModel = await openReadModel(config);
  const now = () => new Date();
  if (config.WEBHOOK_SECRET === undefined) logger.warn('WEBHOOK_SECRET is not set: deliveries are accepted unsigned (JSON only); set it to verify X-Skylight-Signature');
  const claimOptions: ClaimOptions = { store, readModel, policy: config.FOREIGN_READ_MODEL, now };
  const claim = await claimAtStart(claimOptions, readModel.location, logger);
  // A worker opens its store and projections from the configuration: a store or projections handed in (a test's
  // double, a bumped version) live in this thread's memory, so their runner runs in this thread.
  const inWorkerThread = openStore === openEventStore && projections === registeredProjections;
  const projecting = await startProjecting({ config, store, readModel, projections, logger, metrics, now, inWorkerThread });
  const { runner, inWorker } = projecting;
  const laterClaim = E.isRight(claim) ? undefined : claimLater(claimOptions, readModel.location, logger, runner, projections);
  const startupRebuild = await projecting.startupRebuild();
  const standing = () => projectionStanding({ store, runner, readModel, projections, now });
  metrics.readFrom({
    projections: async () => E.getOrElseW(() => ({ projections: [] }))(await standing()).projections,
    quarantineSize: async () => E.getOrElseW(() => undefined)(await quarantineSize(store)),
    role: runner.role,
  });
  const { erasures, forgets } = await startErasures({ store, now, readModel, applied: (position: number) => runner.waitFor(position, ERASURE_APPLY_WAIT_MS) }, logger);
  const accept = intake(config, { store: opened, metrics, erasures, logger });
  const startedAt = now().toISOString();
  const quarantineRetries = retryJobs({ store, now, onError: (error) => logger.error({ err: error }, 'quarantine retry job failed') });
  const stopProjecting = async () => {
    await startupRebuild.stop();
    await runner.stop();
    await store.close();
    await readModel.close();
  };
  try {
    const app = await buildApp({
      accept,
      ...appLimits(config),
      logger,
      metrics,
      routes: apiRoutes(config, { observed, readModel, runner, runnerFailure: inWorker?.failure, standing, startupRebuild, metrics, startedAt, quarantineRetries, forgets, now }),
    });
    const close = async () => {
      await closeApp(app);
      await quarantineRetries.stop();
      await laterClaim?.stop();
      await erasures.drain();
      await forgets.stop();
      await stopProjecting();
    };
    return { app, store, runner, readModel, metrics, startupRebuild: startupRebuild.done, close };
  } catch (error) {
    await laterClaim?.stop();
    await stopProjecting();
    throw error;
  }
};

type IntakeDeps = {
  readonly store: OpenedStore;
  readonly metrics: ServiceMetrics;
  readonly erasures: ErasureQueue;
  readonly logger: FastifyBaseLogger;
};

/**
 * Intake: deliveries verified against the webhook secrets when set, its appends timed and counted as the observed
 * store's are (it appends to the store itself), and, with ERASE_ON_CONTACT_DELETED, a contact.deleted from SkyLight
 * queues the contact's erasure once it is stored.
 */
const intake = (config: Config, { store, metrics, erasures, logger }: IntakeDeps) => {
  const secrets = config.WEBHOOK_SECRET === undefined ? undefined : webhookSecrets(config.WEBHOOK_SECRET);
  if (secrets !== undefined) logger.info({ fingerprints: secrets.map((s) => s.fingerprint) }, 'webhook secrets accepted');
  return acceptDelivery({
    store,
    webhookSecrets: secrets,
    onVerified: metrics.signatureVerified,
    appends: metrics,
    onContactDeleted: config.ERASE_ON_CONTACT_DELETED
      ? (contactKey) => erasures.enqueue(contactKey, 'contact.deleted received from SkyLight (ERASE_ON_CONTACT_DELETED)')
      : undefined,
  });
};

/** The app's limits and its protection, from the configuration. */
const appLimits = (config: Config) => ({
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
});

/** How long an erasure waits for the runner to apply the forget before purging the read model's file. */
const ERASURE_APPLY_WAIT_MS = 30_000;

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
