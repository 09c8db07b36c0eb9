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

/** Which event log the checkpoints are positions of (see claimReadModel); undefined before the first claim. */
export const recordedLogIdentity = (db: ReadModelDb): string | undefined =>
  db.prepare<[], { identity: string }>('SELECT identity FROM log_identity').get()?.identity;

export const recordLogIdentity = (db: ReadModelDb, identity: string, now: string): void => {
  db.prepare(
    'INSERT INTO log_identity (only, identity, recorded_at) VALUES (1, ?, ?) ON CONFLICT (only) DO UPDATE SET identity = excluded.identity, recorded_at = excluded.recorded_at',
  ).run(identity, now);
};

/** The furthest any live table or rebuild in progress has applied the log. */
export const highestCheckpoint = (db: ReadModelDb): number =>
  db
    .prepare<[], { position: number | null }>(
      'SELECT MAX(position) AS position FROM (SELECT position FROM read_models UNION ALL SELECT position FROM rebuilds)',
    )
    .get()?.position ?? 0;

/**
 * Drops every projected table, rebuild in progress and skipped-event note, and the identity: the read model is
 * then empty, and the next ensureReadModels starts every projection at position 0 of whatever log it is given.
 */
export const forgetReadModels = (db: ReadModelDb): void => {
  db.transaction(() => {
    const tables = db
      .prepare<[], { table_name: string }>('SELECT table_name FROM read_models UNION SELECT table_name FROM rebuilds')
      .all();
    for (const { table_name: table } of tables) db.exec(`DROP TABLE IF EXISTS "${table.replaceAll('"', '""')}"`);
    db.exec('DELETE FROM read_models; DELETE FROM rebuilds; DELETE FROM skipped_events; DELETE FROM log_identity;');
  })();
};
