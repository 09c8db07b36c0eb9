import * as E from 'fp-ts/lib/Either.js';
import type { EntityStates, ProjectedEvent } from '../../projections/projection.js';
import { projectionTable, type ProjectionTable } from '../read-model/sqlite/projection-rows.js';
import { checkpointWriter, type ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import type { RecordedEvent } from '../store/event-store.js';
import { stateCache } from './state-cache.js';
import { toProjectedEvent, type UnprojectableEvent } from './to-projected-event.js';

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
  /** Folds events into the batch's states in memory, nothing written yet. Events at or below a target's checkpoint are skipped. */
  readonly fold: (batch: PendingBatch, events: readonly RecordedEvent[]) => PendingBatch;
  /**
   * Writes every changed row, the events that could not be projected and every checkpoint in ONE transaction,
   * each checkpoint by compare-and-set on the value it was folded from: a crash never double-applies or skips, and
   * two writers never both advance one checkpoint. Returns the advanced targets; on failure nothing is written
   * (the caller resumes from the checkpoints).
   */
  readonly commit: (batch: PendingBatch, now: string) => ProjectionTarget[];
  /** fold, then commit: what the live runner does with each batch. */
  readonly apply: (targets: readonly ProjectionTarget[], events: readonly RecordedEvent[], now: string) => ProjectionTarget[];
};

/**
 * Applies log events to read-model tables. Each row is written once per commit however many of the folded events
 * touched it, so a catch-up that commits rarely writes each row rarely. States last committed are kept in a
 * bounded cache so the next fold does not read and parse back what it just wrote.
 */
export const batchApplier = (db: ReadModelDb, cacheLimit = 5_000): BatchApplier => {
  const tables = new Map<string, ProjectionTable>();
  const tableFor = (target: ProjectionTarget) => {
    let table = tables.get(target.tableName);
    if (table === undefined) {
      table = projectionTable(db, target.projection.name, target.tableName);
      tables.set(target.tableName, table);
    }
    return table;
  };
  const cache = stateCache(cacheLimit);
  const checkpoints = checkpointWriter(db);

  const fold: BatchApplier['fold'] = (batch, events) => {
    const working = use(batch);
    cache.retain(new Set(working.map((t) => t.target.tableName)));
    const skipped = [...batch.skipped];
    let held = batch.states;
    const upcast = new Map<RecordedEvent, ProjectedEvent | undefined>();
    // Upcast once per event, and only events some target folds; whether each target does is the fold step's to say.
    const wanted = new Set<string>(working.flatMap((t) => t.target.projection.handles));
    const upcastOf = (recorded: RecordedEvent): ProjectedEvent | undefined => {
      if (!wanted.has(recorded.type)) return undefined;
      if (upcast.has(recorded)) return upcast.get(recorded);
      const result = toProjectedEvent(recorded);
      if (E.isLeft(result)) skipped.push(result.left);
      const projected = E.isLeft(result) ? undefined : result.right;
      upcast.set(recorded, projected);
      return projected;
    };
    for (const { target, states, changed } of working) {
      const table = tableFor(target);
      const entities: EntityStates<unknown> = {
        get: (key) => {
          const folded = states.get(key);
          if (folded !== undefined) return folded;
          const stored = cache.get(target.tableName, key) ?? table.loadState(key);
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
      };
      for (const recorded of events) {
        if (recorded.position <= target.position) continue;
        const projected = upcastOf(recorded);
        if (projected !== undefined) target.projection.evolveEntities(entities, projected);
      }
    }
    const last = events[events.length - 1];
    return pendingBatch(working, { skipped, states: held, lastPosition: Math.max(batch.lastPosition, last?.position ?? 0) });
  };

  const writeAll = db.transaction((batch: PendingBatch, now: string) => {
    checkpoints.recordSkipped(batch.skipped);
    return batch.tables.map(({ target, states, changed }) => {
      const table = tableFor(target);
      for (const key of changed) {
        const state = states.get(key);
        table.save(key, state, target.projection.view(state));
      }
      return checkpoints.advance(target, Math.max(target.position, batch.lastPosition), now);
    });
  });

  const commit: BatchApplier['commit'] = (batch, now) => {
    use(batch);
    try {
      const targets = writeAll(batch, now);
      // Only committed states enter the cache.
      for (const { target, states, changed } of batch.tables) cache.remember(target.tableName, new Map([...changed].map((key) => [key, states.get(key)])));
      return targets;
    } catch (error) {
      cache.clear();
      throw error;
    }
  };

  return { fold, commit, apply: (targets, events, now) => commit(fold(emptyBatch(targets), events), now) };
};
