import { Worker } from 'node:worker_threads';
import { projections } from '../../projections/registry.js';
import type { Config } from '../config.js';
import { appliedCheckpoints } from './applied-checkpoints.js';
import type { ReadModel } from '../read-model/read-model.js';
import { startingRebuildStatus, type RebuildProgressSink, type StartupRebuild } from './rebuild-outdated.js';
import type { FromRunnerWorker, RunnerWorkerData, ToRunnerWorker } from './runner-worker-messages.js';
import type { Runner, RunnerLog } from './runner.js';

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
  /** The server's own read model: the checkpoints this thread reads (the worker writes them), and the catalog. */
  readonly readModel: ReadModel;
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
export const startRunnerInWorker = async (options: RunnerInWorkerOptions): Promise<RunnerInWorker> => {
  const { config, readModel, log } = options;
  const now = options.now ?? (() => new Date());
  const restartDelayMs = options.restartDelayMs ?? 1000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const entry = options.entry ?? defaultEntry;

  // The checkpoints are known before the worker has started: this thread reads them from the catalog, as it does
  // each time the worker says it committed.
  await readModel.catalog.ensure(projections, now().toISOString());
  const checkpoints = appliedCheckpoints(() => readModel.catalog.liveTargets(projections), now);
  await checkpoints.refresh();

  // What the worker's start-up rebuild will find, known here before it has reported anything.
  const outdated = await readModel.catalog.outdated(projections);
  let rebuildStatus = startingRebuildStatus(outdated);
  let rebuildEnded: () => void = () => undefined;
  const rebuildDone = outdated.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => (rebuildEnded = resolve));

  const reloads = new Map<number, () => void>();
  let nextReload = 0;
  let failure: string | undefined;
  let stopping: Promise<void> | undefined;
  let restart: NodeJS.Timeout | undefined;
  let stopped: (() => void) | undefined;
  let worker: Worker | undefined;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));

  const settleReloads = () => {
    for (const settle of reloads.values()) settle();
    reloads.clear();
  };

  const receive = (message: FromRunnerWorker) => {
    if (message.kind === 'committed') {
      markStarted();
      if (failure !== undefined) log.info({}, 'runner worker running again');
      failure = undefined;
      void checkpoints.refresh();
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
      void checkpoints.refresh();
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
    checkpoints.close();
    rebuildStatus = { ...rebuildStatus, running: false };
    rebuildEnded();
  };

  // One stop however often it is asked for: every caller gets the same promise.
  const stop = () => (stopping ??= stopWorker());

  return {
    appliedPosition: checkpoints.appliedPosition,
    progress: checkpoints.progress,
    // The worker's runner notices a swap by another process itself (its catalog check), and says it reloaded.
    waitFor: checkpoints.waitFor,
    reload,
    started,
    failure: () => failure,
    stop,
    startupRebuild: { done: rebuildDone, status: () => rebuildStatus, stop },
  };
};
