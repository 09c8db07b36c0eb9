import type { ReadModelDb } from '../read-model/read-model-db.js';
import type { UnprojectableEvent } from './to-projected-event.js';

/** Another writer moved a checkpoint under us (a rebuild swapped a table in): reload and resume. */
export class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`checkpoint of ${projection} moved`);
    this.name = 'CheckpointMoved';
  }
}

/** One table's checkpoint moving from the position a fold started at to the last it applied. */
export type CheckpointMove = { readonly name: string; readonly table: string; readonly from: number; readonly to: number };

/**
 * The writes that go with a fold's rows, inside the caller's transaction: the events it could not project, and
 * each checkpoint moved by compare-and-set on the value the fold started from, so that two writers never both
 * advance one checkpoint and a successful move proves nobody else wrote the rows meanwhile.
 */
export const checkpointWrites = (db: ReadModelDb, checkpointTable: 'read_models' | 'rebuilds') => {
  const skip = db.prepare(
    'INSERT OR IGNORE INTO skipped_events (position, event_id, type, reason) VALUES (@position, @eventId, @type, @reason)',
  );
  const advance = db.prepare(
    `UPDATE ${checkpointTable} SET position = @to, updated_at = @now WHERE name = @name AND table_name = @table AND position = @from`,
  );
  return {
    recordSkipped: (events: readonly UnprojectableEvent[]): void => {
      for (const event of events) skip.run(event);
    },
    /** Throws CheckpointMoved when the checkpoint is no longer at `from`. */
    advance: (move: CheckpointMove, now: string): void => {
      if (move.to === move.from) return;
      if (advance.run({ ...move, now }).changes !== 1) throw new CheckpointMoved(move.name);
    },
  };
};
