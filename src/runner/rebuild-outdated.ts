import type { Projection } from '../../projections/projection.js';
import type { ReadModel } from '../read-model/read-model.js';
import type { EventStore } from '../store/event-store.js';
import { rebuildProjections } from './rebuild.js';
import type { RunnerLog } from './live-loop.js';
import type { Runner } from './runner.js';

const PROGRESS_EVERY_MS = 5000;

/** What the start-up rebuild is doing: the overview shows it. */
export type RebuildStatus = {
  readonly running: boolean;
  readonly projections: readonly string[];
  readonly events: number;
  /** Null while the rebuild does not know yet how many events it will fold. */
  readonly total: number | null;
};

/** Told how far the rebuild is (events done, events in all), and when it ends, however it ends. */
export type RebuildProgressSink = {
  readonly update: (projections: readonly string[], done: number, total: number | undefined) => void;
  readonly ended: (projections: readonly string[]) => void;
};

export type StartupRebuild = {
  readonly done: Promise<void>;
  readonly stop: () => Promise<void>;
  readonly status: () => RebuildStatus;
};

/** What a start-up rebuild of `outdated` shows before it has folded anything: idle when there is nothing to rebuild. */
export const startingRebuildStatus = (outdated: readonly Projection[]): RebuildStatus => ({
  running: outdated.length > 0,
  projections: outdated.map((p) => `${p.name} v${p.version}`),
  events: 0,
  total: 0,
});

/**
 * At start-up, rebuilds in the background every projection whose code version differs from the version that
 * built its live table; the old table keeps answering until the swap, then the runner takes the new one over.
 * The server runs it beside its runner: in the runner's worker thread (runner-worker.ts), off the request thread.
 */
export const rebuildOutdated = async (deps: {
  store: EventStore;
  readModel: ReadModel;
  /** The live loop (or runner) that takes the swapped tables over; the rebuild starts once it is the writer. */
  runner: Pick<Runner, 'reload' | 'writing'>;
  projections: readonly Projection[];
  log: RunnerLog;
  /** Told after `status` has changed, so that it can read the new one. */
  progress?: RebuildProgressSink;
}): Promise<StartupRebuild> => {
  const outdated = await deps.readModel.catalog.outdated(deps.projections);
  let status = startingRebuildStatus(outdated);
  if (outdated.length === 0) return { done: Promise.resolve(), stop: async () => undefined, status: () => status };
  const abort = new AbortController();
  deps.log.info({ projections: status.projections }, 'projection version changed; rebuilding');
  let lastReport = 0;
  const stopped = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
  // On a read model several nodes share only the writer rebuilds, and a standby's turn may come after another
  // node rebuilt: what is still outdated when it is the writer.
  const rebuild = async () => {
    await Promise.race([deps.runner.writing, stopped]);
    abort.signal.throwIfAborted();
    const still = await deps.readModel.catalog.outdated(outdated);
    if (still.length === 0) return undefined;
    return rebuildProjections({
      store: deps.store,
      readModel: deps.readModel,
      projections: still,
      signal: abort.signal,
      onProgress: (events, total) => {
        status = { ...status, events, total: total ?? null };
        deps.progress?.update(outdated.map((p) => p.name), events, total);
        if (performance.now() - lastReport < PROGRESS_EVERY_MS) return;
        lastReport = performance.now();
        deps.log.info({ events, total }, 'rebuilding');
      },
    });
  };
  const done = rebuild().then(
    async (result) => {
      if (result === undefined) return deps.log.info({}, 'another node rebuilt them already');
      deps.log.info({ ...result, events_per_second: Math.round(result.events / Math.max(result.seconds, 1e-3)) }, 'rebuild swapped in');
      await deps.runner.reload();
    },
    (error: unknown) => {
      if (abort.signal.aborted) return;
      deps.log.error({ err: error }, 'rebuild failed; the previous tables keep serving');
    },
  ).finally(() => {
    status = { ...status, running: false };
    deps.progress?.ended(outdated.map((p) => p.name));
  });
  return {
    done,
    status: () => status,
    stop: async () => {
      abort.abort();
      await done;
    },
  };
};
