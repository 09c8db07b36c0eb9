import { keysTouched } from '../../projections/fold.js';
import type { ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { ReadModelWrites } from '../read-model/read-model-writes.js';
import type { RecordedEvent } from '../store/event-store.js';
import { foldIntoTargets, pastCheckpoint, upcastEvents, type PositionedEvent, type TargetStates } from './fold-events.js';
import { stateCache } from './state-cache.js';
import type { UnprojectableEvent } from './to-projected-event.js';

/** One target's entities folded since the last commit, and which of them changed. */
export type PendingTable = {
  readonly target: ProjectionTarget;
  readonly states: ReadonlyMap<string, unknown>;
  readonly changed: ReadonlySet<string>;
};

/**
 * What was folded and not committed yet: per target, the states in memory. A batch is used once: a fold returns
 * the next one and a commit writes it, and either throws when given a batch already used (its tables are shared
 * with the one that followed it, so reusing it would write states past its checkpoint).
 */
export type PendingBatch = {
  readonly tables: readonly PendingTable[];
  readonly skipped: readonly UnprojectableEvent[];
  /** The last position folded (0: none). */
  readonly lastPosition: number;
  /** Entity states held: what the memory grows with between commits. */
  readonly states: number;
};

type WorkingTable = { readonly target: ProjectionTarget; readonly states: Map<string, unknown>; readonly changed: Set<string> };

/** The writable tables of each batch not used yet: only this module folds into them. */
const unused = new WeakMap<PendingBatch, readonly WorkingTable[]>();

const pendingBatch = (tables: readonly WorkingTable[], rest: Omit<PendingBatch, 'tables'>): PendingBatch => {
  const batch = { ...rest, tables };
  unused.set(batch, tables);
  return batch;
};

const use = (batch: PendingBatch): readonly WorkingTable[] => {
  const tables = unused.get(batch);
  if (tables === undefined) throw new Error('this pending batch was used already: fold and commit take the batch the last fold returned');
  unused.delete(batch);
  return tables;
};

/** Nothing folded yet onto targets as the last commit (or the catalog) returned them. */
export const emptyBatch = (targets: readonly ProjectionTarget[]): PendingBatch =>
  pendingBatch(
    targets.map((target) => ({ target, states: new Map(), changed: new Set() })),
    { skipped: [], lastPosition: 0, states: 0 },
  );

export type BatchApplier = {
  /**
   * Folds events into the batch's states in memory, nothing written yet; the states it needs and holds neither in the
   * batch nor in its cache are read first, in one call per target. Events at or below a target's checkpoint are skipped.
   */
  readonly fold: (batch: PendingBatch, events: readonly RecordedEvent[]) => Promise<PendingBatch>;
  /**
   * Writes every changed row, the events that could not be projected and every checkpoint in ONE transaction
   * (ReadModelWrites.commit). Returns the advanced targets; on failure nothing is written (the caller resumes from
   * the checkpoints).
   */
  readonly commit: (batch: PendingBatch, now: string) => Promise<ProjectionTarget[]>;
  /** fold, then commit: what the live runner does with each batch. */
  readonly apply: (targets: readonly ProjectionTarget[], events: readonly RecordedEvent[], now: string) => Promise<ProjectionTarget[]>;
};

/**
 * Applies log events to read-model tables. Each row is written once per commit however many of the folded events
 * touched it, so a catch-up that commits rarely writes each row rarely. States last committed are kept in a
 * bounded cache so the next fold does not read and parse back what it just wrote.
 */
export const batchApplier = (writes: ReadModelWrites, cacheLimit = 5_000): BatchApplier => {
  const cache = stateCache(cacheLimit);

  /** The states the target's events touch that neither the batch nor the cache holds, read in one call. */
  const loadMissing = async ({ target, states }: WorkingTable, upcast: readonly PositionedEvent[]): Promise<ReadonlyMap<string, unknown>> => {
    const missing = new Set<string>();
    for (const event of upcast) {
      if (!pastCheckpoint(target, event)) continue;
      for (const key of keysTouched(target.projection, event.projected)) {
        if (!states.has(key) && cache.get(target.tableName, key) === undefined) missing.add(key);
      }
    }
    return missing.size === 0 ? new Map() : writes.loadStates(target, [...missing]);
  };

  const fold: BatchApplier['fold'] = async (batch, events) => {
    const working = use(batch);
    cache.retain(new Set(working.map((t) => t.target.tableName)));
    const skipped = [...batch.skipped];
    let held = batch.states;
    const upcast = upcastEvents(working.map((t) => t.target), events, skipped);
    const folds: TargetStates[] = [];
    for (const table of working) {
      const { target, states, changed } = table;
      const loaded = await loadMissing(table, upcast);
      folds.push({
        target,
        states: {
          get: (key) => {
            const folded = states.get(key);
            if (folded !== undefined) return folded;
            const stored = cache.get(target.tableName, key) ?? loaded.get(key);
            if (stored !== undefined) {
              states.set(key, stored);
              held += 1;
            }
            return stored;
          },
          set: (key, state) => {
            if (!states.has(key)) held += 1;
            states.set(key, state);
            changed.add(key);
          },
        },
      });
    }
    foldIntoTargets(folds, upcast);
    const last = events[events.length - 1];
    return pendingBatch(working, { skipped, states: held, lastPosition: Math.max(batch.lastPosition, last?.position ?? 0) });
  };

  const commit: BatchApplier['commit'] = async (batch, now) => {
    use(batch);
    const changed = batch.tables.map(({ target, states, changed: keys }) => ({
      target,
      to: batch.lastPosition,
      rows: [...keys].map((key) => ({ key, state: states.get(key) })),
    }));
    try {
      const targets = await writes.commit(changed, batch.skipped, now);
      // Only committed states enter the cache.
      for (const { target, states, changed: keys } of batch.tables) cache.remember(target.tableName, new Map([...keys].map((key) => [key, states.get(key)])));
      return targets;
    } catch (error) {
      cache.clear();
      throw error;
    }
  };

  return { fold, commit, apply: async (targets, events, now) => commit(await fold(emptyBatch(targets), events), now) };
};
