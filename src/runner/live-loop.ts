import { setImmediate } from 'node:timers/promises';
import type { Projection } from '../../projections/projection.js';
import { CONTACT_FORGOTTEN } from '../events/contact-forgotten.js';
import { appliedByAll, CheckpointMoved, type ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { ReadModel } from '../read-model/read-model.js';
import type { WriterLease, WriterRole } from '../read-model/writer-lease.js';
import { EventStoreFailure } from '../store/event-store-error.js';
import type { EventStore, RecordedEvent, Subscription } from '../store/event-store.js';
import { checkpointsOf, type CommitReport } from './applied-checkpoints.js';
import { batchWriter } from './batch-writer.js';
import { batches } from './batches.js';
import { wakeablePause } from './wakeable-pause.js';

export type RunnerLog = {
  info: (fields: object, message: string) => void;
  warn: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
};

export type LiveLoopOptions = {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  readonly projections: readonly Projection[];
  readonly log: RunnerLog;
  readonly now?: () => Date;
  /** Runs after each committed batch that holds a contact.forgotten: an erasure's purge of this node's file. */
  readonly afterCommit?: (events: readonly RecordedEvent[]) => Promise<void>;
  /**
   * Told where the checkpoints are each time they were committed or read from the catalog; a report a worker
   * forwards as it is.
   */
  readonly onCommitted: (report: CommitReport) => void;
};

/** The live loop, here or in a worker: what the runner's contract asks of it. */
export type LoopControl = {
  /** Settles once the checkpoints are known (or the loop could not start: it says why, and tries again). */
  readonly started: Promise<void>;
  /** Settles the first time the loop holds the writer's lease (see writer-lease.ts): what only a writer may start waits for it. */
  readonly writing: Promise<void>;
  /** Whether it applies the log now, or follows the writer's commits. */
  readonly role: () => WriterRole;
  /** Reads the catalog again (after a rebuild swapped tables in) and resubscribes from the checkpoints. */
  readonly reload: () => Promise<void>;
  readonly stop: () => Promise<void>;
};

const MAX_BATCH = 2000;
/** Wait before resubscribing after the store or the read model failed. */
const RETRY_DELAY_MS = 1000;
/** How often the catalog is checked for a swap by another process (a CLI rebuild) while no event arrives. */
const CATALOG_CHECK_MS = 500;
/** How often a standby tries for the writer's lease: a writer that died is replaced within this (see docs/scale-out.md). */
const LEASE_RETRY_MS = 1000;

type LoopState = {
  targets: readonly ProjectionTarget[];
  subscription: Subscription | undefined;
  stopped: boolean;
  role: WriterRole;
  /** The writer committed since a standby last read the checkpoints. */
  moved: boolean;
  readonly lease: WriterLease;
  wakeIdle: () => void;
  readonly markStarted: () => void;
  readonly markWriting: () => void;
};

/** Not the writer: the checkpoints as the writer's commits leave them, told at each, until it is time to try for the lease again. */
const standBy = async (options: LiveLoopOptions, state: LoopState): Promise<void> => {
  state.role = 'standby';
  const until = performance.now() + LEASE_RETRY_MS;
  while (!state.stopped && performance.now() < until) {
    state.moved = false;
    state.targets = await options.readModel.catalog.liveTargets(options.projections);
    options.onCommitted({ kind: 'committed', checkpoints: checkpointsOf(state.targets), role: 'standby' });
    state.markStarted();
    if (state.moved) continue;
    await wakeablePause(until - performance.now(), (wake) => (state.wakeIdle = wake));
  }
};

/** One subscription from the catalog's checkpoints: each batch folded and committed, until it is closed or fails. */
const follow = async (options: LiveLoopOptions, state: LoopState): Promise<void> => {
  const { readModel, projections } = options;
  if (!(await state.lease.acquire())) return standBy(options, state);
  if (state.role !== 'writer') options.log.info({}, 'holding the writer lease: applying the log');
  state.role = 'writer';
  state.markWriting();
  await readModel.catalog.ensure(projections, (options.now?.() ?? new Date()).toISOString());
  state.targets = await readModel.catalog.liveTargets(projections);
  options.onCommitted({ kind: 'committed', checkpoints: checkpointsOf(state.targets), role: 'writer' });
  state.markStarted();
  if (state.targets.length === 0) return new Promise<void>((resolve) => (state.wakeIdle = resolve));
  const writer = batchWriter(readModel.writes, state.targets);
  state.subscription = options.store.subscribe({ fromPosition: appliedByAll(state.targets) });
  for await (const batch of batches(state.subscription, MAX_BATCH)) {
    if (state.stopped) return;
    await writer.fold(batch);
    state.targets = await writer.commit((options.now?.() ?? new Date()).toISOString());
    // A look at each type is all a batch without a forget (nearly every one) pays for the erasure's purge.
    let forgets = false;
    for (const event of batch) forgets ||= event.type === CONTACT_FORGOTTEN;
    if (forgets) await options.afterCommit?.(batch);
    options.onCommitted({ kind: 'committed', checkpoints: checkpointsOf(state.targets), role: 'writer' });
    // Catching up on a long backlog must not starve the requests the same process serves.
    await setImmediate();
  }
};

/**
 * Whether another writer changed the catalog since this loop last committed: a rebuild swapped a table in
 * (perhaps at a checkpoint behind this loop's), or a CLI catch-up advanced a checkpoint.
 */
const catalogMoved = async (options: LiveLoopOptions, state: LoopState): Promise<boolean> => {
  const live = await options.readModel.catalog.liveTargets(options.projections);
  const { targets } = state;
  return live.length !== targets.length || live.some((t, i) => t.tableName !== targets[i]?.tableName || t.position !== targets[i]?.position);
};

/** After a failed subscription: resume at once from a swapped-in table, else say why and wait before retrying. */
const recover = async (options: LiveLoopOptions, state: LoopState, error: unknown): Promise<void> => {
  const { log } = options;
  state.markStarted();
  // A fold that met a table another process dropped in its swap fails on that table, not on the checkpoint.
  if (error instanceof CheckpointMoved || (await catalogMoved(options, state).catch(() => false))) {
    log.info(error instanceof CheckpointMoved ? { projection: error.projection } : {}, 'read model swapped; resuming from its checkpoint');
    return;
  }
  if (error instanceof EventStoreFailure) log.warn({ reason: error.message }, 'event store unavailable; resubscribing');
  else log.error({ err: error }, 'runner failed; retrying');
  await new Promise((resolve) => setTimeout(resolve, RETRY_DELAY_MS));
};

/**
 * Keeps the read model up to date: subscribes to the log from the lowest checkpoint and applies each batch to every
 * projection in one transaction. On a store failure it resubscribes from its checkpoints; when a rebuild swaps a
 * table in, it reloads the checkpoints and resumes from there.
 */
export const startLiveLoop = (options: LiveLoopOptions): LoopControl => {
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (markStarted = resolve));
  let markWriting: () => void = () => undefined;
  const writing = new Promise<void>((resolve) => (markWriting = resolve));
  const lease = options.readModel.writerLease();
  const state: LoopState = { targets: [], subscription: undefined, stopped: false, role: 'standby', moved: false, lease, wakeIdle: () => undefined, markStarted, markWriting };
  const running = (async () => {
    while (!state.stopped) {
      try {
        await follow(options, state);
      } catch (error) {
        if (state.stopped) break;
        await recover(options, state, error);
      } finally {
        await state.subscription?.close();
      }
    }
  })();

  const reload = async () => {
    state.wakeIdle();
    await state.subscription?.close();
  };
  lease.onChange((change) => {
    if (change === 'moved') {
      state.moved = true;
      return state.role === 'standby' ? state.wakeIdle() : undefined;
    }
    options.log.warn({}, 'writer lease lost: applying no more, standing by');
    state.role = 'standby';
    void reload();
  });
  // Without this a swap by another process would be noticed only when the next event arrives, and its tables'
  // checkpoint may be behind this loop's (the rebuild leaves the last events to the live runner).
  const watch = setInterval(() => {
    if (state.role !== 'writer') return;
    void catalogMoved(options, state).then(
      (moved) => {
        if (state.stopped || !moved) return;
        options.log.info({}, 'read model changed by another process; resuming from its checkpoints');
        void reload();
      },
      // The read model failed: the loop meets and reports the same failure.
      () => undefined,
    );
  }, CATALOG_CHECK_MS);
  watch.unref();

  return {
    started,
    writing,
    role: () => state.role,
    reload,
    stop: async () => {
      state.stopped = true;
      clearInterval(watch);
      state.wakeIdle();
      await state.subscription?.close();
      await running;
      await lease.release();
      markStarted();
    },
  };
};
