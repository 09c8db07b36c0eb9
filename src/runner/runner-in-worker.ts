import { Worker } from 'node:worker_threads';
import { projections } from '../../projections/registry.js';
import type { Config } from '../config.js';
import { appliedByAll, ensureReadModels, liveTargets, outdatedProjections } from '../read-model/read-model-catalog.js';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import { startingRebuildStatus, type RebuildProgressSink, type StartupRebuild } from './rebuild-outdated.js';
import type { FromRunnerWorker, RunnerWorkerData, ToRunnerWorker } from './runner-worker-messages.js';
import type { ProjectionProgress, Runner, RunnerLog } from './runner.js';

export type RunnerInWorker = Runner & {
  /** Settles once the first worker runs (it has reported its checkpoints) or has ended trying. */
  readonly started: Promise<void>;
  /** Why the runner is not running (its worker ended and is being restarted); undefined while it runs. */
  readonly failure: () => string | undefined;
  /** The start-up rebuild of projections whose version changed, run by the worker; stopping it stops the worker. */
  readonly startupRebuild: StartupRebuild;
};

export type RunnerInWorkerOptions = {
  readonly config: Config;
  /** The server's own read-model connection: the checkpoints before the worker's first report, and the catalog. */
  readonly readModel: ReadModelDb;
  readonly log: RunnerLog;
  /** Where the start-up rebuild's log records go. */
  readonly rebuildLog?: RunnerLog;
  /** Told how far the start-up rebuild is, for the server's metrics. */
  readonly rebuildProgress?: RebuildProgressSink;
  /** Told of each failed store call in the worker (by operation and error kind), for the server's metrics. */
  readonly onStoreError?: (operation: string, kind: string) => void;
  readonly now?: () => Date;
  /** Wait before starting a worker again after it ended on its own. */
  readonly restartDelayMs?: number;
  /** How long a stop waits for the worker to close its store before ending it. */
  readonly stopTimeoutMs?: number;
  /** The worker's module; tests give one that fails. */
  readonly entry?: URL;
};

/** From sources (tsx, vitest) the worker is a .ts file beside this one; compiled, a .js file. */
const defaultEntry = new URL(import.meta.url.endsWith('.ts') ? './runner-worker.ts' : './runner-worker.js', import.meta.url);

/**
 * A worker started from sources needs tsx's loader registered in its own thread: Node 20 does not apply loaders
 * given in a worker's execArgv (nodejs/node#47747), so a one-line bootstrap registers tsx and then imports the entry.
 */
const spawn = (entry: URL, workerData: RunnerWorkerData): Worker => {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
};

/**
 * The live runner (runner.ts) in a worker thread with its own store and read-model connection, so that its folds
 * and commits do not take the request thread's time. This thread answers `appliedPosition`/`progress` from what the
 * worker last reported (it reports after each commit); `waitFor` re-reads the checkpoints on each report and resolves
 * once this thread's own read of them has reached the position. A worker that ends
 * on its own is logged, reported by `failure` and started again; the checkpoints it committed are where it resumes.
 */
export const startRunnerInWorker = (options: RunnerInWorkerOptions): RunnerInWorker => {
  const { config, readModel, log } = options;
  const now = options.now ?? (() => new Date());
  const restartDelayMs = options.restartDelayMs ?? 1000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const entry = options.entry ?? defaultEntry;

  // What the worker would report first, read here so that the checkpoints are known before it has started.
  ensureReadModels(readModel, projections, now().toISOString());
  const startedAt = now().getTime();
  const initial = liveTargets(readModel, projections);
  let progress: readonly ProjectionProgress[] = initial.map((t) => ({
    name: t.projection.name,
    version: t.projection.version,
    position: t.position,
    advancedAt: startedAt,
  }));
  let appliedPosition = appliedByAll(initial);

  // What the worker's start-up rebuild will find, known here before it has reported anything.
  const outdated = outdatedProjections(readModel, projections);
  let rebuildStatus = startingRebuildStatus(outdated);
  let rebuildEnded: () => void = () => undefined;
  const rebuildDone = outdated.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => (rebuildEnded = resolve));

  const waiters = new Set<{ position: number; resolve: (reached: boolean) => void }>();
  const reloads = new Map<number, () => void>();
  let nextReload = 0;
  let failure: string | undefined;
  let stopping: Promise<void> | undefined;
  let restart: NodeJS.Timeout | undefined;
  let stopped: (() => void) | undefined;
  let worker: Worker | undefined;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));

  /**
   * Reads the live tables' checkpoints in the catalog as this thread's connection sees them, moves `progress` and
   * `appliedPosition` up to them, and returns the lowest. Both halves on purpose: a commit this thread reads before
   * the worker's report of it arrives must not leave progress (and /ready, /metrics after a min_position query)
   * showing less than what the query just read. A report can also run ahead of what this thread reads (one sent
   * before the worker handled a reload), so a waiter is released on this reading only.
   */
  const catchUpWithCatalog = (): number => {
    const live = liveTargets(readModel, projections);
    const at = now().getTime();
    progress = progress.map((p) => {
      const seen = live.find((t) => t.projection.name === p.name && t.projection.version === p.version);
      return seen !== undefined && seen.position > p.position ? { ...p, position: seen.position, advancedAt: at } : p;
    });
    const visible = appliedByAll(live);
    appliedPosition = Math.max(appliedPosition, visible);
    return visible;
  };

  const releaseReached = () => {
    if (waiters.size === 0) return;
    const visible = catchUpWithCatalog();
    for (const waiter of waiters) if (waiter.position <= visible) waiter.resolve(true);
  };

  const settleReloads = () => {
    for (const settle of reloads.values()) settle();
    reloads.clear();
  };

  const receive = (message: FromRunnerWorker) => {
    if (message.kind === 'progress') {
      markStarted();
      if (failure !== undefined) log.info({}, 'runner worker running again');
      failure = undefined;
      ({ appliedPosition, progress } = message);
      releaseReached();
    } else if (message.kind === 'log') {
      (message.component === 'rebuild' ? (options.rebuildLog ?? log) : log)[message.level](message.fields, message.message);
    } else if (message.kind === 'rebuild_progress') {
      rebuildStatus = message.status;
      options.rebuildProgress?.update(message.projections, message.done, message.total);
    } else if (message.kind === 'rebuild_ended') {
      rebuildStatus = message.status;
      options.rebuildProgress?.ended(message.projections);
      rebuildEnded();
    } else if (message.kind === 'store_error') {
      options.onStoreError?.(message.operation, message.error);
    } else if (message.kind === 'reloaded') {
      reloads.get(message.id)?.();
      reloads.delete(message.id);
      releaseReached();
    } else {
      stopped?.();
    }
  };

  const start = () => {
    const started = spawn(entry, { config });
    worker = started;
    started.on('message', receive);
    started.on('error', (error) => log.error({ err: error }, 'runner worker failed'));
    started.on('exit', (code) => {
      worker = undefined;
      markStarted();
      settleReloads();
      stopped?.();
      if (stopping !== undefined) return;
      failure = `its worker thread ended (exit code ${code})`;
      log.error({ exit_code: code, restart_in_ms: restartDelayMs }, 'runner worker ended; starting it again');
      restart = setTimeout(start, restartDelayMs);
    });
  };
  start();

  const send = (message: ToRunnerWorker) => worker?.postMessage(message);

  /**
   * Whether a rebuild swapped the catalog since the worker last reported: another set of live tables, or a
   * checkpoint behind the reported one. A checkpoint ahead is most likely a commit whose report is on its way.
   */
  const catalogMoved = (): boolean => {
    const live = liveTargets(readModel, projections);
    return (
      live.length !== progress.length ||
      live.some((t) => {
        const reported = progress.find((p) => p.name === t.projection.name);
        return reported === undefined || t.position < reported.position;
      })
    );
  };

  const reload = () =>
    new Promise<void>((resolve) => {
      if (worker === undefined) return resolve();
      const id = nextReload++;
      reloads.set(id, resolve);
      send({ kind: 'reload', id });
    });

  const stopWorker = async () => {
    clearTimeout(restart);
    const running = worker;
    if (running !== undefined) {
      const closed = new Promise<void>((resolve) => (stopped = resolve));
      send({ kind: 'stop' });
      const deadline = setTimeout(() => {
        log.warn({ timeout_ms: stopTimeoutMs }, 'runner worker did not stop in time; ending it');
        stopped?.();
      }, stopTimeoutMs);
      await closed;
      clearTimeout(deadline);
      await running.terminate();
    }
    for (const waiter of waiters) waiter.resolve(false);
    rebuildStatus = { ...rebuildStatus, running: false };
    rebuildEnded();
  };

  // One stop however often it is asked for: every caller gets the same promise.
  const stop = () => (stopping ??= stopWorker());

  return {
    appliedPosition: () => appliedPosition,
    progress: () => progress,
    waitFor: (position, timeoutMs) => {
      if (catchUpWithCatalog() >= position) return Promise.resolve(true);
      if (catalogMoved()) void reload();
      return new Promise((resolve) => {
        const waiter = {
          position,
          resolve: (reached: boolean) => {
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(reached);
          },
        };
        const timer = setTimeout(() => waiter.resolve(false), timeoutMs);
        waiters.add(waiter);
      });
    },
    reload,
    started,
    failure: () => failure,
    stop,
    startupRebuild: { done: rebuildDone, status: () => rebuildStatus, stop },
  };
};
