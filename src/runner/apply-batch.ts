import * as E from 'fp-ts/lib/Either.js';
import type { ProjectedEvent, StoredProjection } from '../../projections/projection.js';
import { projectionTable, type ProjectionTable } from '../read-model/projection-table.js';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import type { RecordedEvent } from '../store/event-store.js';
import { stateCache } from './state-cache.js';
import { toProjectedEvent, type UnprojectableEvent } from './to-projected-event.js';

/** A projection, the table it writes and the checkpoint that table is at. */
export type ProjectionTarget = {
  readonly projection: StoredProjection;
  readonly tableName: string;
  readonly position: number;
};

/** Another writer moved a checkpoint under us (a rebuild swapped a table in): reload and resume. */
export class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`checkpoint of ${projection} moved`);
    this.name = 'CheckpointMoved';
  }
}

type Upcast = E.Either<UnprojectableEvent, ProjectedEvent | undefined>;

/**
 * Builds the function that applies a batch of log events to read-model tables: every touched row and every
 * checkpoint are written in ONE transaction, the checkpoint by compare-and-set on its previous value, so a crash
 * never double-applies or skips and two writers never both advance the same checkpoint. States last written are
 * kept in a bounded cache and only rows that changed are written.
 */
export const batchApplier = (db: ReadModelDb, checkpointTable: 'read_models' | 'rebuilds' = 'read_models', cacheLimit = 5_000) => {
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
  const advance = db.prepare(
    `UPDATE ${checkpointTable} SET position = @to, updated_at = @now WHERE name = @name AND table_name = @table AND position = @from`,
  );
  const skip = db.prepare(
    'INSERT OR IGNORE INTO skipped_events (position, event_id, type, reason) VALUES (@position, @eventId, @type, @reason)',
  );

  type Applied = { targets: ProjectionTarget[]; written: Map<string, Map<string, unknown>> };

  const applyInTransaction = db.transaction(
    (targets: readonly ProjectionTarget[], events: readonly RecordedEvent[], now: string): Applied => {
      const last = events[events.length - 1];
      const written = new Map<string, Map<string, unknown>>();
      if (last === undefined) return { targets: [...targets], written };
      const upcast = new Map<RecordedEvent, Upcast>();
      const upcastOf = (recorded: RecordedEvent): Upcast => {
        let result = upcast.get(recorded);
        if (result === undefined) {
          result = toProjectedEvent(recorded);
          if (E.isLeft(result)) skip.run(result.left);
          upcast.set(recorded, result);
        }
        return result;
      };
      const advanced = targets.map((target) => {
        const { projection } = target;
        const table = tableFor(target);
        const before = new Map<string, unknown>();
        const states = new Map<string, unknown>();
        for (const recorded of events) {
          if (recorded.position <= target.position || !projection.handles.includes(recorded.type as never)) continue;
          const projected = upcastOf(recorded);
          if (E.isLeft(projected) || projected.right === undefined) continue;
          for (const key of projection.keysOf(projected.right.event)) {
            let state = states.get(key);
            if (state === undefined) {
              state = cache.get(target.tableName, key) ?? table.loadState(key) ?? projection.initial(key);
              before.set(key, state);
            }
            states.set(key, projection.evolve(state, projected.right));
          }
        }
        const changed = new Map([...states].filter(([key, state]) => state !== before.get(key)));
        for (const [key, state] of changed) table.save(key, state, projection.view(state));
        written.set(target.tableName, changed);
        const to = Math.max(target.position, last.position);
        if (to !== target.position) {
          const moved = advance.run({ to, now, name: projection.name, table: target.tableName, from: target.position });
          if (moved.changes !== 1) throw new CheckpointMoved(projection.name);
        }
        return { ...target, position: to };
      });
      return { targets: advanced, written };
    },
  );

  return (targets: readonly ProjectionTarget[], events: readonly RecordedEvent[], now: string): ProjectionTarget[] => {
    cache.retain(new Set(targets.map((t) => t.tableName)));
    try {
      const { targets: advanced, written } = applyInTransaction(targets, events, now);
      // Only committed states enter the cache.
      for (const [table, states] of written) cache.remember(table, states);
      return advanced;
    } catch (error) {
      cache.clear();
      throw error;
    }
  };
};
