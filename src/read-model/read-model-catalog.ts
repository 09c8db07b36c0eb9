import type { StoredProjection } from '../../projections/projection.js';
import type { ReadModelDb } from './read-model-db.js';
import { createProjectionTable, tableNameOf } from './projection-table.js';

/** Which table serves a projection, built by which version, and how far into the log it has applied. */
export type ReadModelEntry = {
  readonly name: string;
  readonly version: number;
  readonly table_name: string;
  readonly position: number;
  readonly updated_at: string;
};

export const readModelEntries = (db: ReadModelDb): Map<string, ReadModelEntry> =>
  new Map(
    db
      .prepare<[], ReadModelEntry>('SELECT name, version, table_name, position, updated_at FROM read_models')
      .all()
      .map((entry) => [entry.name, entry]),
  );

/**
 * Makes sure each projection has a table. A projection seen for the first time starts empty at position 0 (the
 * runner folds the whole log into it); one whose version changed is left to the rebuild, which fills a new table
 * beside the live one and swaps it in.
 */
export const ensureReadModels = (db: ReadModelDb, projections: readonly StoredProjection[], now: string): void => {
  const existing = readModelEntries(db);
  db.transaction(() => {
    for (const projection of projections) {
      if (existing.has(projection.name)) continue;
      const tableName = tableNameOf(projection, 0);
      createProjectionTable(db, projection.name, tableName);
      db.prepare('INSERT INTO read_models (name, version, table_name, position, updated_at) VALUES (?, ?, ?, 0, ?)').run(
        projection.name,
        projection.version,
        tableName,
        now,
      );
    }
  })();
};
