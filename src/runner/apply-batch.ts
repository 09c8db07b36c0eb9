import * as E from 'fp-ts/lib/Either.js';
import type { ProjectedEvent, StoredProjection } from '../../projections/projection.js';
import { projectionTable, type ProjectionTable } from '../read-model/projection-table.js';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import type { RecordedEvent } from '../store/event-store.js';
import { checkpointWrites } from './checkpoint-writes.js';
import { stateCache } from './state-cache.js';
import { toProjectedEvent, type UnprojectableEvent } from './to-projected-event.js';

/** A projection, the table it writes and the checkpoint that table is at. */
export type ProjectionTarget = {
  readonly projection: StoredProjection;
  readonly tableName: string;
  readonly position: number;
};

/** One table's entities folded since the last commit, and which of them changed. */
type WorkingTable = { readonly states: Map<string, unknown>; readonly changed: Set<string> };

export type BatchApplier = {
  /**
   * Folds events into the states held in memory, nothing written yet. Events at or below a target's checkpoint
   * are skipped; `targets` must be those the last commit returned.
   */
  readonly fold: (targets: readonly ProjectionTarget[], events: readonly RecordedEvent[]) => void;
  /** Entity states folded and not yet committed: what the memory held between commits grows with. */
  readonly pendingStates: () => number;
  /**
   * Writes every changed row, the events that could not be projected and every checkpoint in ONE transaction,
   * each checkpoint by compare-and-set on the value it was folded from: a crash never double-applies or skips, and
   * two writers never both advance one checkpoint. Returns the advanced targets; on failure nothing is written and
   * what was folded is dropped (the caller resumes from the checkpoints).
   */
  readonly commit: (now: string) => ProjectionTarget[];
  /** fold, then commit: what the live runner does with each batch. */
  readonly apply: (targets: readonly ProjectionTarget[], events: readonly RecordedEvent[], now: string) => ProjectionTarget[];
};

/**
 * Applies log events to read-model tables. Each row is written once per commit however many of the folded events
 * touched it, so a catch-up that commits rarely writes each row rarely. States last committed are kept in a
 * bounded cache so the next fold does not read and parse back what it just wrote.
 */
export const batchApplier = (db: ReadModelDb, checkpointTable: 'read_models' | 'rebuilds' = 'read_models', cacheLimit = 5_000): BatchApplier => {
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
  const checkpoints = checkpointWrites(db, checkpointTable);

  let folded: readonly ProjectionTarget[] = [];
  let working = new Map<string, WorkingTable>();
  let skipped: UnprojectableEvent[] = [];
  let lastPosition = 0;
  let pending = 0;
  const reset = () => {
    working = new Map();
    skipped = [];
    pending = 0;
    lastPosition = 0;
  };

  const workingTable = (tableName: string): WorkingTable => {
    let table = working.get(tableName);
    if (table === undefined) {
      table = { states: new Map(), changed: new Set() };
      working.set(tableName, table);
    }
    return table;
  };

  const fold: BatchApplier['fold'] = (targets, events) => {
    folded = targets;
    cache.retain(new Set(targets.map((t) => t.tableName)));
    const upcast = new Map<RecordedEvent, ProjectedEvent | undefined>();
    const upcastOf = (recorded: RecordedEvent): ProjectedEvent | undefined => {
      if (upcast.has(recorded)) return upcast.get(recorded);
      const result = toProjectedEvent(recorded);
      if (E.isLeft(result)) skipped.push(result.left);
      const projected = E.isLeft(result) ? undefined : result.right;
      upcast.set(recorded, projected);
      return projected;
    };
    for (const target of targets) {
      const { projection } = target;
      const handles = new Set<string>(projection.handles);
      const { states, changed } = workingTable(target.tableName);
      for (const recorded of events) {
        if (recorded.position <= target.position || !handles.has(recorded.type)) continue;
        const projected = upcastOf(recorded);
        if (projected === undefined) continue;
        for (const key of projection.keysOf(projected.event)) {
          let state = states.get(key);
          if (state === undefined) {
            state = cache.get(target.tableName, key) ?? tableFor(target).loadState(key) ?? projection.initial(key);
            pending += 1;
          }
          const next = projection.evolve(state, projected);
          states.set(key, next);
          if (next !== state) changed.add(key);
        }
      }
    }
    const last = events[events.length - 1];
    if (last !== undefined) lastPosition = Math.max(lastPosition, last.position);
  };

  const writeAll = db.transaction((now: string): { targets: ProjectionTarget[]; written: Map<string, Map<string, unknown>> } => {
    checkpoints.recordSkipped(skipped);
    const written = new Map<string, Map<string, unknown>>();
    const targets = folded.map((target) => {
      const { projection } = target;
      const { states, changed } = workingTable(target.tableName);
      const saved = new Map<string, unknown>();
      const table = tableFor(target);
      for (const key of changed) {
        const state = states.get(key);
        table.save(key, state, projection.view(state));
        saved.set(key, state);
      }
      written.set(target.tableName, saved);
      const to = Math.max(target.position, lastPosition);
      checkpoints.advance({ name: projection.name, table: target.tableName, from: target.position, to }, now);
      return { ...target, position: to };
    });
    return { targets, written };
  });

  const commit: BatchApplier['commit'] = (now) => {
    try {
      const { targets, written } = writeAll(now);
      // Only committed states enter the cache.
      for (const [table, states] of written) cache.remember(table, states);
      folded = targets;
      return targets;
    } catch (error) {
      cache.clear();
      throw error;
    } finally {
      reset();
    }
  };

  return {
    fold,
    pendingStates: () => pending,
    commit,
    apply: (targets, events, now) => {
      fold(targets, events);
      return commit(now);
    },
  };
};
