import type { Statement } from 'better-sqlite3';
import type { Projection } from '../../../projections/projection.js';
import { UNBUILT_VERSION, viewDifferences, type ProjectionTarget, type ReadModelCatalog, type ReadModelEntry, type ScratchPurpose, type ViewDifference } from '../read-model-catalog.js';
import type { ReadModelDb } from '../read-model-db.js';
import { createProjectionIndexes, createProjectionTable } from './table-layout.js';

/**
 * The embedded read model's catalog: which table serves each projection, which tables are being filled beside them,
 * and how far into the log each has applied. Every table name is decided here; a checkpoint moves with its rows
 * (writes.ts).
 */

const SAFE_NAME = /^[a-z][a-z0-9_]*$/;

const safeTableName = (name: string): string => {
  if (!SAFE_NAME.test(name)) throw new Error(`${name} cannot name a table`);
  return name;
};

const generationPrefix = (projection: Projection) => `rm_${projection.name}_v${projection.version}_g`;

const dropTable = (db: ReadModelDb, tableName: string) => db.exec(`DROP TABLE IF EXISTS "${tableName.replaceAll('"', '""')}"`);

// Prepared once per connection: a query with `min_position` reads the catalog, and preparing cost more than the read.
const entriesStatements = new WeakMap<ReadModelDb, Statement<[], ReadModelEntry>>();

export const readModelEntries = (db: ReadModelDb): Map<string, ReadModelEntry> => {
  let statement = entriesStatements.get(db);
  if (statement === undefined) {
    statement = db.prepare<[], ReadModelEntry>('SELECT name, version, table_name, position, updated_at FROM read_models');
    entriesStatements.set(db, statement);
  }
  return new Map(statement.all().map((entry) => [entry.name, entry]));
};

/** The table serving each projection now (undefined: none yet), looked up per call so a swap is seen at once. */
export const liveTableLookup = (db: ReadModelDb): ((projection: string) => string | undefined) => {
  const lookup = db.prepare<[string], { table_name: string }>('SELECT table_name FROM read_models WHERE name = ?');
  return (projection) => lookup.get(projection)?.table_name;
};

/**
 * Makes sure each projection has a table. In a read model that has applied nothing yet, a projection starts empty at
 * position 0 (the runner folds the whole log into it). One added beside projections that have applied the log is
 * entered as built by no code (UNBUILT_VERSION), so that the start-up rebuild builds it beside the live tables, as for
 * a changed version: the live runner, which reads from the lowest checkpoint, would otherwise go back to the start of
 * the log for it and hold every other projection's next event until it got there.
 */
export const ensureReadModels = (db: ReadModelDb, projections: readonly Projection[], now: string): void => {
  // IMMEDIATE: the server thread and a (re)started runner worker may both get here; the write lock taken before
  // the read makes the second see the first's rows instead of inserting them again.
  db.transaction(() => {
    const existing = readModelEntries(db);
    const applied = [...existing.values()].some((entry) => entry.position > 0);
    for (const projection of projections) {
      if (existing.has(projection.name)) continue;
      const version = applied ? UNBUILT_VERSION : projection.version;
      const tableName = safeTableName(`rm_${projection.name}_v${version}_g0`);
      createProjectionTable(db, projection.name, tableName);
      db.prepare(
        'INSERT INTO read_models (name, version, table_name, position, updated_at) VALUES (?, ?, ?, 0, ?) ON CONFLICT (name) DO NOTHING',
      ).run(projection.name, version, tableName, now);
    }
  }).immediate();
};

/**
 * The live tables the running code may write: a table built by another version of its projection is left alone
 * (it keeps serving, unchanged, until the rebuild for the new version swaps in).
 */
export const liveTargets = (db: ReadModelDb, projections: readonly Projection[]): ProjectionTarget[] => {
  const entries = readModelEntries(db);
  return projections.flatMap((projection): ProjectionTarget[] => {
    const entry = entries.get(projection.name);
    return entry === undefined || entry.version !== projection.version
      ? []
      : [{ projection, tableName: entry.table_name, position: entry.position, kind: 'live' }];
  });
};

/** Projections whose live table was built by a different version than the code's: they need a rebuild. */
export const outdatedProjections = (db: ReadModelDb, projections: readonly Projection[]): Projection[] => {
  const entries = readModelEntries(db);
  return projections.filter((projection) => {
    const entry = entries.get(projection.name);
    return entry !== undefined && entry.version !== projection.version;
  });
};

const nextGeneration = (db: ReadModelDb, projection: Projection): number => {
  const prefix = generationPrefix(projection);
  const generations = db
    .prepare<{ prefix: string }, { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, length(@prefix)) = @prefix",
    )
    .all({ prefix })
    .map((row) => Number(row.name.slice(prefix.length)))
    .filter(Number.isInteger);
  return Math.max(0, ...generations) + 1;
};

/**
 * Fresh tables beside the live ones, one per projection, at position 0. What an interrupted run left behind for
 * the same purpose is dropped first: a rebuild always starts from a clean table.
 */
// Every catalog transaction that reads, then writes, is IMMEDIATE: in WAL mode a deferred one that read before another
// connection's commit (the live runner's, say) gets SQLITE_BUSY at its first write, without waiting at all.
export const createScratchTargets = (
  db: ReadModelDb,
  projections: readonly Projection[],
  purpose: ScratchPurpose,
  now: string,
): ProjectionTarget[] =>
  db.transaction(() => {
    const names = new Set(projections.map((p) => p.name));
    const leftovers = db
      .prepare<[string], { table_name: string; name: string }>('SELECT table_name, name FROM rebuilds WHERE purpose = ?')
      .all(purpose)
      .filter((row) => names.has(row.name));
    for (const leftover of leftovers) dropScratchTable(db, leftover.table_name);
    return projections.map((projection): ProjectionTarget => {
      const tableName = safeTableName(
        purpose === 'verify' ? `rm_${projection.name}_v${projection.version}_verify` : `${generationPrefix(projection)}${nextGeneration(db, projection)}`,
      );
      createProjectionTable(db, projection.name, tableName, { indexed: false });
      db.prepare('INSERT INTO rebuilds (table_name, name, version, purpose, position, updated_at) VALUES (?, ?, ?, ?, 0, ?)').run(
        tableName,
        projection.name,
        projection.version,
        purpose,
        now,
      );
      return { projection, tableName, position: 0, kind: 'scratch' };
    });
  }).immediate();

const dropScratchTable = (db: ReadModelDb, tableName: string): void => {
  db.prepare('DELETE FROM rebuilds WHERE table_name = ?').run(tableName);
  dropTable(db, tableName);
};

/** Drops scratch tables and their checkpoints (a verify done, a fold given up). */
export const dropScratchTargets = (db: ReadModelDb, targets: readonly ProjectionTarget[]): void => {
  for (const target of targets) if (target.kind === 'scratch') dropScratchTable(db, target.tableName);
};

/**
 * Puts the rebuilt tables in service in one transaction: the catalog points at them (with their checkpoints) and
 * the old tables go. A query reads the catalog and its table in one snapshot, so it sees the old table or the new
 * one, never a half-built one. A live runner notices its checkpoint moved and resumes from the new one.
 */
export const swapIn = (db: ReadModelDb, targets: readonly ProjectionTarget[], now: string): ProjectionTarget[] => {
  // Built before the swap, each in its own transaction, so that the swap holds the write lock only for its moment.
  for (const target of targets) db.transaction(() => createProjectionIndexes(db, target.projection.name, target.tableName))();
  return db.transaction(() =>
    targets.map((target): ProjectionTarget => {
      const old = db.prepare<[string], { table_name: string }>('SELECT table_name FROM read_models WHERE name = ?').get(target.projection.name);
      db.prepare(
        `INSERT INTO read_models (name, version, table_name, position, updated_at) VALUES (@name, @version, @table, @position, @now)
         ON CONFLICT(name) DO UPDATE SET version = excluded.version, table_name = excluded.table_name,
           position = excluded.position, updated_at = excluded.updated_at`,
      ).run({ name: target.projection.name, version: target.projection.version, table: target.tableName, position: target.position, now });
      db.prepare('DELETE FROM rebuilds WHERE table_name = ?').run(target.tableName);
      if (old !== undefined && old.table_name !== target.tableName) dropTable(db, old.table_name);
      return { ...target, kind: 'live' };
    }),
  ).immediate();
};

/**
 * How many of a scratch table's views differ from the live table's of the same projection, the first few in key
 * order, and the live checkpoint. Views are deterministic JSON text (fields in a fixed order), so text equality
 * is view equality.
 */
export const differingViews = (
  db: ReadModelDb,
  scratch: ProjectionTarget,
  examples: number,
): { readonly livePosition: number; readonly count: number; readonly examples: ViewDifference[] } => {
  const entry = readModelEntries(db).get(scratch.projection.name);
  const liveTable = entry?.table_name ?? scratch.tableName;
  const rows = db
    .prepare<[], { key: string; live: string | null; rebuilt: string | null }>(
      `SELECT coalesce(l.key, r.key) AS key, l.view AS live, r.view AS rebuilt
       FROM ${liveTable} l FULL OUTER JOIN ${scratch.tableName} r ON l.key = r.key
       WHERE l.view IS NOT r.view ORDER BY coalesce(l.sort_key, r.sort_key)`,
    )
    .all();
  return viewDifferences(entry?.position ?? 0, rows, examples);
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
    for (const { table_name: table } of tables) dropTable(db, table);
    db.exec('DELETE FROM read_models; DELETE FROM rebuilds; DELETE FROM skipped_events; DELETE FROM log_identity;');
  }).immediate();
};

/** The skipped events, counted by type (for /overview and /metrics). */
const skippedByType = (db: ReadModelDb): Record<string, number> =>
  Object.fromEntries(
    db
      .prepare<[], { type: string; events: number }>('SELECT type, COUNT(*) AS events FROM skipped_events GROUP BY type')
      .all()
      .map((row) => [row.type, row.events]),
  );

export const sqliteReadModelCatalog = (db: ReadModelDb): ReadModelCatalog => ({
  ensure: async (projections, now) => ensureReadModels(db, projections, now),
  entries: async () => [...readModelEntries(db).values()],
  liveTargets: async (projections) => liveTargets(db, projections),
  outdated: async (projections) => outdatedProjections(db, projections),
  createScratch: async (projections, purpose, now) => createScratchTargets(db, projections, purpose, now),
  dropScratch: async (targets) => dropScratchTargets(db, targets),
  swapIn: async (targets, now) => swapIn(db, targets, now),
  differingViews: async (scratch, examples) => differingViews(db, scratch, examples),
  logIdentity: async () => recordedLogIdentity(db),
  recordLogIdentity: async (identity, now) => recordLogIdentity(db, identity, now),
  highestCheckpoint: async () => highestCheckpoint(db),
  forgetAll: async () => forgetReadModels(db),
  skippedByType: async () => skippedByType(db),
});
