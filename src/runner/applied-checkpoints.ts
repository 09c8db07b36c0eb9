import { appliedByAll, type ProjectionTarget } from '../read-model/read-model-catalog.js';

export type ProjectionProgress = {
  readonly name: string;
  readonly version: number;
  readonly position: number;
  /** When (ms since the epoch) its checkpoint was last seen to move, or this process started. */
  readonly advancedAt: number;
};

export type AppliedCheckpoints = {
  /** Reads the checkpoints again (after a commit, told or seen), releasing every waiter they reach; the lowest. */
  readonly refresh: () => Promise<number>;
  /** The position every projection has applied, as last read. */
  readonly appliedPosition: () => number;
  readonly progress: () => readonly ProjectionProgress[];
  /** Resolves true once the checkpoints read reach `position`, false after `timeoutMs` or at `close`. */
  readonly waitFor: (position: number, timeoutMs: number) => Promise<boolean>;
  readonly close: () => void;
};

/**
 * The one place a runner's checkpoints are known and waited for: read from the catalog, the single source, whether
 * the runner commits in this thread or in a worker (which then only says that it committed). So a report can never
 * disagree with what a query of this thread reads. Until the first read it knows of no projection.
 */
export const appliedCheckpoints = (readLive: () => Promise<readonly ProjectionTarget[]>, now: () => Date): AppliedCheckpoints => {
  const startedAt = now().getTime();
  let live: readonly ProjectionTarget[] = [];
  const advancedAt = new Map<string, number>();
  const waiters = new Set<{ readonly position: number; readonly resolve: (reached: boolean) => void }>();

  const refresh = async (): Promise<number> => {
    const read = await readLive();
    const before = new Map(live.map((t) => [t.projection.name, t.position]));
    const at = now().getTime();
    for (const target of read) {
      const previous = before.get(target.projection.name);
      if (previous !== undefined && previous !== target.position) advancedAt.set(target.projection.name, at);
    }
    live = read;
    const applied = appliedByAll(live);
    for (const waiter of waiters) if (waiter.position <= applied) waiter.resolve(true);
    return applied;
  };

  return {
    refresh,
    appliedPosition: () => appliedByAll(live),
    progress: () =>
      live.map((t) => ({
        name: t.projection.name,
        version: t.projection.version,
        position: t.position,
        advancedAt: advancedAt.get(t.projection.name) ?? startedAt,
      })),
    waitFor: async (position, timeoutMs) => {
      if ((await refresh()) >= position) return true;
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
