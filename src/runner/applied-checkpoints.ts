import type { ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { WriterRole } from '../read-model/writer-lease.js';

/** A projection's checkpoint as the catalog holds it, in plain data: what crosses from the runner's worker. */
export type Checkpoint = { readonly name: string; readonly version: number; readonly position: number };

/**
 * What the live loop reports after each commit (or load of the catalog): the checkpoints it left, and its part (a
 * standby's report is of the writer's commits).
 */
export type CommitReport = { readonly kind: 'committed'; readonly checkpoints: readonly Checkpoint[]; readonly role: WriterRole };

export const checkpointsOf = (targets: readonly ProjectionTarget[]): Checkpoint[] => {
  const checkpoints: Checkpoint[] = [];
  for (const { projection, position } of targets) checkpoints.push({ name: projection.name, version: projection.version, position });
  return checkpoints;
};

export type ProjectionProgress = Checkpoint & {
  /** When (ms since the epoch) its checkpoint was last seen to move, or this process started. */
  readonly advancedAt: number;
};

export type AppliedCheckpoints = {
  /**
   * Where a commit (or a load of the catalog) left the projections it names; the others stay as they were. What a
   * commit reports is ignored while a reload is under way (see reloading), what the catalog says never.
   */
  readonly record: (checkpoints: readonly Checkpoint[], source?: 'commit' | 'catalog') => void;
  /**
   * Ignores what commits report until the returned function is called, and then reads the catalog: a reload after
   * a swap by another process supersedes what the loop committed before it (a worker's report of such a commit may
   * still be on its way, and name a checkpoint the swapped-in table has not reached).
   */
  readonly reloading: () => () => Promise<void>;
  /**
   * Reads the catalog again and records it. True when a checkpoint went back (another process swapped in a table
   * behind what was committed here): the loop has to resume from it.
   */
  readonly refresh: () => Promise<boolean>;
  /** The position every projection has applied (their lowest checkpoint; with none, nothing is behind). */
  readonly appliedPosition: () => number;
  readonly progress: () => readonly ProjectionProgress[];
  /** Resolves true once the checkpoints recorded reach `position`, false after `timeoutMs` or at `close`. */
  readonly waitFor: (position: number, timeoutMs: number) => Promise<boolean>;
  readonly close: () => void;
};

/**
 * The one place a runner's checkpoints are known and waited for, whether its loop commits in this thread or in a
 * worker. They have one source, the catalog: what a commit's compare-and-set left there (told by the loop after each
 * commit), or the catalog read again. Until the first record it knows of no projection. `now`: the system clock
 * when not given.
 */
export const appliedCheckpoints = (readCatalog: () => Promise<readonly Checkpoint[]>, now?: () => Date): AppliedCheckpoints => {
  const startedAt = (now?.() ?? new Date()).getTime();
  const held = new Map<string, ProjectionProgress>();
  let applied = Number.POSITIVE_INFINITY;
  const waiters = new Set<{ readonly position: number; readonly resolve: (reached: boolean) => void }>();
  let reloads = 0;

  const record = (checkpoints: readonly Checkpoint[], source: 'commit' | 'catalog' = 'commit'): void => {
    if (source === 'commit' && reloads > 0) return;
    let at: number | undefined;
    for (const checkpoint of checkpoints) {
      const before = held.get(checkpoint.name);
      if (before?.position === checkpoint.position) continue;
      held.set(checkpoint.name, { ...checkpoint, advancedAt: before === undefined ? startedAt : (at ??= (now?.() ?? new Date()).getTime()) });
    }
    applied = Number.POSITIVE_INFINITY;
    for (const { position } of held.values()) applied = Math.min(applied, position);
    for (const waiter of waiters) if (waiter.position <= applied) waiter.resolve(true);
  };

  // Waits that arrive while the catalog is being read share that read: under load one read serves them all.
  let reading: Promise<boolean> | undefined;
  const readAndRecord = async (): Promise<boolean> => {
    const read = await readCatalog();
    const wentBack = read.some((checkpoint) => checkpoint.position < (held.get(checkpoint.name)?.position ?? 0));
    record(read, 'catalog');
    return wentBack;
  };
  const refresh = (): Promise<boolean> => (reading ??= readAndRecord().finally(() => (reading = undefined)));

  return {
    record,
    reloading: () => {
      reloads += 1;
      return async () => {
        reloads -= 1;
        await refresh();
      };
    },
    refresh,
    appliedPosition: () => applied,
    progress: () => [...held.values()],
    waitFor: async (position, timeoutMs) => {
      if (applied >= position) return true;
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
    close: () => {
      for (const waiter of waiters) waiter.resolve(false);
    },
  };
};
