import { appliedCheckpoints, checkpointsOf, type AppliedCheckpoints, type ProjectionProgress } from './applied-checkpoints.js';
import type { WriterRole } from '../read-model/writer-lease.js';
import { startLiveLoop, type LiveLoopOptions, type LoopControl } from './live-loop.js';

type RunnerOptions = Omit<LiveLoopOptions, 'onCommitted'>;

export type Runner = {
  /** Settles once the checkpoints are known (or the runner could not start: it says why, and tries again). */
  readonly started: Promise<void>;
  /** Settles the first time this node holds the writer's lease: what only the writer may start (a rebuild) waits for it. */
  readonly writing: Promise<void>;
  /** Whether this node applies the log now, or follows the writer's commits (a PostgreSQL read model several nodes share). */
  readonly role: () => WriterRole;
  /** The position every projection has applied (the lowest checkpoint). */
  readonly appliedPosition: () => number;
  readonly progress: () => readonly ProjectionProgress[];
  /** Resolves true once every projection has applied `position`, false after `timeoutMs`. */
  readonly waitFor: (position: number, timeoutMs: number) => Promise<boolean>;
  /** Re-reads the catalog (after a rebuild swapped tables in) and resubscribes from the checkpoints. */
  readonly reload: () => Promise<void>;
  readonly stop: () => Promise<void>;
};

/**
 * The one implementation of the runner's contract, wherever its live loop runs (here, or in a worker: see
 * runner-in-worker.ts): the checkpoints the loop reports, the catalog read again before a wait, reload and stop.
 */
export const runnerOver = (loop: LoopControl, checkpoints: AppliedCheckpoints): Runner => {
  const reload = async () => {
    const reloaded = checkpoints.reloading();
    try {
      await loop.reload();
    } finally {
      await reloaded();
    }
  };
  return {
    started: loop.started,
    writing: loop.writing,
    role: loop.role,
    appliedPosition: checkpoints.appliedPosition,
    progress: checkpoints.progress,
    waitFor: async (position, timeoutMs) => {
      // A table another process swapped in may be behind what was committed here: the wait is for that table, and
      // the loop resumes from it now rather than at its next look at the catalog.
      if (await checkpoints.refresh()) void reload();
      return checkpoints.waitFor(position, timeoutMs);
    },
    reload,
    stop: async () => {
      await loop.stop();
      checkpoints.close();
    },
  };
};

/** The live runner in this thread (a server given stores or projections in its memory, and tests). */
export const startRunner = (options: RunnerOptions): Runner => {
  const { readModel, projections } = options;
  const checkpoints = appliedCheckpoints(
    async () => checkpointsOf(await readModel.catalog.liveTargets(projections)),
    options.now,
  );
  const loop = startLiveLoop({ ...options, onCommitted: (report) => checkpoints.record(report.checkpoints) });
  return runnerOver(loop, checkpoints);
};
