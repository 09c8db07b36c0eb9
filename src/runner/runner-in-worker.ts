import { Worker } from 'node:worker_threads';
import type { Projection } from '../../projections/projection.js';
import { projections } from '../../projections/registry.js';
import type { Config } from '../config.js';
import type { ReadModel } from '../read-model/read-model.js';
import type { WriterRole } from '../read-model/writer-lease.js';
import { appliedCheckpoints, checkpointsOf, type CommitReport } from './applied-checkpoints.js';
import type { LoopControl, RunnerLog } from './live-loop.js';
import { startingRebuildStatus, type RebuildProgressSink, type StartupRebuild } from './rebuild-outdated.js';
import type { FromRunnerWorker, RunnerWorkerData, ToRunnerWorker } from './runner-worker-messages.js';
import { runnerOver, type Runner } from './runner.js';

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
  /** The server's own read model: the catalog this thread reads the checkpoints from before it waits. */
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

/** What the worker's start-up rebuild is doing, as its messages tell; known here before it has said anything. */
const rebuildReport = (outdated: readonly Projection[], progress: RebuildProgressSink | undefined) => {
  let status = startingRebuildStatus(outdated);
  let ended: () => void = () => undefined;
  const done = outdated.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => (ended = resolve));
  return {
    done,
    status: () => status,
    told: (message: Extract<FromRunnerWorker, { kind: 'rebuild_progress' | 'rebuild_ended' }>) => {
      status = message.status;
      if (message.kind === 'rebuild_progress') return progress?.update(message.projections, message.done, message.total);
      progress?.ended(message.projections);
      ended();
    },
    stopped: () => {
      status = { ...status, running: false };
      ended();
    },
  };
};

type Receivers = {
  readonly committed: (checkpoints: CommitReport['checkpoints']) => void;
  readonly rebuild: (message: Extract<FromRunnerWorker, { kind: 'rebuild_progress' | 'rebuild_ended' }>) => void;
};

/** The worker now (none while it is being started again), and what its messages settle. */
type Supervision = {
  worker: Worker | undefined;
  failure: string | undefined;
  restart: NodeJS.Timeout | undefined;
  stopping: Promise<void> | undefined;
  stopped: (() => void) | undefined;
  nextReload: number;
  readonly reloads: Map<number, () => void>;
  readonly markStarted: () => void;
  role: WriterRole;
  readonly markWriting: () => void;
};

const receiverOf = (options: RunnerInWorkerOptions, receivers: Receivers, s: Supervision) => {
  const { log } = options;
  return (message: FromRunnerWorker) => {
    if (message.kind === 'committed') {
      s.markStarted();
      if (s.failure !== undefined) log.info({}, 'runner worker running again');
      s.failure = undefined;
      s.role = message.role;
      if (message.role === 'writer') s.markWriting();
      receivers.committed(message.checkpoints);
    } else if (message.kind === 'log') {
      (message.component === 'rebuild' ? (options.rebuildLog ?? log) : log)[message.level](message.fields, message.message);
    } else if (message.kind === 'rebuild_progress' || message.kind === 'rebuild_ended') {
      receivers.rebuild(message);
    } else if (message.kind === 'store_error') {
      options.onStoreError?.(message.operation, message.error);
    } else if (message.kind === 'reloaded') {
      s.reloads.get(message.id)?.();
      s.reloads.delete(message.id);
    } else {
      s.stopped?.();
    }
  };
};

/** Starts a worker; one that ends on its own is logged, reported by `failure` and started again after a delay. */
const startWorker = (options: RunnerInWorkerOptions, s: Supervision, receive: (message: FromRunnerWorker) => void): void => {
  const { log } = options;
  const worker = spawn(options.entry ?? defaultEntry, { config: options.config });
  s.worker = worker;
  worker.on('message', receive);
  worker.on('error', (error) => log.error({ err: error }, 'runner worker failed'));
  worker.on('exit', (code) => {
    s.worker = undefined;
    s.role = 'standby';
    s.markStarted();
    for (const settle of s.reloads.values()) settle();
    s.reloads.clear();
    s.stopped?.();
    if (s.stopping !== undefined) return;
    s.failure = `its worker thread ended (exit code ${code})`;
    const restartDelayMs = options.restartDelayMs ?? 1000;
    log.error({ exit_code: code, restart_in_ms: restartDelayMs }, 'runner worker ended; starting it again');
    s.restart = setTimeout(() => startWorker(options, s, receive), restartDelayMs);
  });
};

/** Asks the worker to stop (it closes its store and read model), and ends it at the deadline if it has not. */
const stopWorker = async (options: RunnerInWorkerOptions, s: Supervision): Promise<void> => {
  clearTimeout(s.restart);
  const running = s.worker;
  if (running === undefined) return;
  const closed = new Promise<void>((resolve) => (s.stopped = resolve));
  running.postMessage({ kind: 'stop' } satisfies ToRunnerWorker);
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const deadline = setTimeout(() => {
    options.log.warn({ timeout_ms: stopTimeoutMs }, 'runner worker did not stop in time; ending it');
    s.stopped?.();
  }, stopTimeoutMs);
  await closed;
  clearTimeout(deadline);
  await running.terminate();
};

/** The live loop's worker, carrying messages only: reload and stop go to it, its reports come back to `receivers`. */
const superviseWorker = (options: RunnerInWorkerOptions, receivers: Receivers): LoopControl & { readonly failure: () => string | undefined } => {
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let markWriting: () => void = () => undefined;
  const writing = new Promise<void>((resolve) => (markWriting = resolve));
  const s: Supervision = {
    worker: undefined,
    failure: undefined,
    restart: undefined,
    stopping: undefined,
    stopped: undefined,
    nextReload: 0,
    reloads: new Map(),
    markStarted,
    role: 'standby',
    markWriting,
  };
  startWorker(options, s, receiverOf(options, receivers, s));
  return {
    started,
    writing,
    role: () => s.role,
    failure: () => s.failure,
    reload: () =>
      new Promise<void>((resolve) => {
        if (s.worker === undefined) return resolve();
        const id = s.nextReload++;
        s.reloads.set(id, resolve);
        s.worker.postMessage({ kind: 'reload', id } satisfies ToRunnerWorker);
      }),
    // One stop however often it is asked for: every caller gets the same promise.
    stop: () => (s.stopping ??= stopWorker(options, s)),
  };
};

/**
 * The live runner (live-loop.ts) in a worker thread with its own store and read-model connection, so that its folds
 * and commits do not take the request thread's time; the same runner contract (runner.ts) over it here, its
 * checkpoints as the worker says each commit left them.
 */
export const startRunnerInWorker = async (options: RunnerInWorkerOptions): Promise<RunnerInWorker> => {
  const { readModel } = options;
  // The checkpoints are known before the worker has started: this thread reads them from the catalog.
  await readModel.catalog.ensure(projections, (options.now?.() ?? new Date()).toISOString());
  const checkpoints = appliedCheckpoints(async () => checkpointsOf(await readModel.catalog.liveTargets(projections)), options.now);
  await checkpoints.refresh();
  // What the worker's start-up rebuild will find, known here before it has reported anything.
  const rebuild = rebuildReport(await readModel.catalog.outdated(projections), options.rebuildProgress);
  const worker = superviseWorker(options, { committed: checkpoints.record, rebuild: rebuild.told });
  const runner = runnerOver(
    {
      started: worker.started,
      writing: worker.writing,
      role: worker.role,
      reload: worker.reload,
      stop: async () => {
        await worker.stop();
        rebuild.stopped();
      },
    },
    checkpoints,
  );
  return { ...runner, failure: worker.failure, startupRebuild: { done: rebuild.done, status: rebuild.status, stop: runner.stop } };
};
