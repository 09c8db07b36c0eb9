import * as E from 'fp-ts/lib/Either.js';
import type { StoredProjection } from '../../projections/projection.js';
import { createProjectionTable, tableNameOf } from '../read-model/projection-table.js';
import { ensureReadModels } from '../read-model/read-model-catalog.js';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import { EventStoreFailure } from '../store/event-store-error.js';
import type { ProjectionTarget } from './apply-batch.js';
import { bulkFold } from './bulk-fold.js';
import { foldLog } from './fold-log.js';
import { atLeast, eventsBetween } from './log-lag.js';
import type { ReadModelJob } from './read-model-job.js';

export type RebuildPurpose = 'rebuild' | 'verify';

export type RebuildOptions = ReadModelJob & {
  readonly signal?: AbortSignal;
  /** Entity states held in memory between commits (see foldLog). */
  readonly workingSet?: number;
};

export type RebuildResult = {
  readonly projections: readonly string[];
  readonly events: number;
  readonly position: number;
  readonly seconds: number;
};

/** A pass that leaves fewer events than this behind is followed by the swap (the live runner applies the rest). */
const CLOSE_ENOUGH = 1000;

const nextGeneration = (db: ReadModelDb, projection: StoredProjection): number => {
  const prefix = `rm_${projection.name}_v${projection.version}_g`;
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
export const createScratchTables = (
  db: ReadModelDb,
  projections: readonly StoredProjection[],
  purpose: RebuildPurpose,
  now: string,
): ProjectionTarget[] =>
  db.transaction(() => {
    const names = new Set(projections.map((p) => p.name));
    const leftovers = db
      .prepare<[string], { table_name: string; name: string }>('SELECT table_name, name FROM rebuilds WHERE purpose = ?')
      .all(purpose)
      .filter((row) => names.has(row.name));
    for (const leftover of leftovers) dropScratchTable(db, leftover.table_name);
    return projections.map((projection) => {
      const tableName = purpose === 'verify' ? `rm_${projection.name}_v${projection.version}_verify` : tableNameOf(projection, nextGeneration(db, projection));
      createProjectionTable(db, projection.name, tableName);
      db.prepare('INSERT INTO rebuilds (table_name, name, version, purpose, position, updated_at) VALUES (?, ?, ?, ?, 0, ?)').run(
        tableName,
        projection.name,
        projection.version,
        purpose,
        now,
      );
      return { projection, tableName, position: 0 };
    });
  })();

export const dropScratchTable = (db: ReadModelDb, tableName: string): void => {
  db.prepare('DELETE FROM rebuilds WHERE table_name = ?').run(tableName);
  db.exec(`DROP TABLE IF EXISTS ${tableName}`);
};

/** Folds the whole log into the scratch tables, pass after pass, until they are close to the head. */
export const fillScratchTables = async (
  options: RebuildOptions & { targets: readonly ProjectionTarget[]; closeEnough?: number },
): Promise<{ targets: readonly ProjectionTarget[]; events: number }> => {
  const now = options.now ?? (() => new Date());
  let targets = options.targets;
  let events = 0;
  for (;;) {
    const head = await options.store.headPosition();
    if (E.isLeft(head)) throw new EventStoreFailure(head.left);
    const from = Math.min(...targets.map((t) => t.position));
    const remaining = eventsBetween(options.store, from, head.right);
    const job = {
      store: options.store,
      db: options.db,
      targets,
      until: head.right,
      now,
      onProgress: (done: number) =>
        options.onProgress?.(events + done, atLeast(events + done, remaining === undefined ? undefined : events + remaining)),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.workingSet === undefined ? {} : { workingSet: options.workingSet }),
    };
    // The fresh tables are filled in bulk; what arrived meanwhile is folded onto them in order.
    const pass = events === 0 ? await bulkFold(job) : await foldLog({ ...job, checkpointTable: 'rebuilds' });
    targets = pass.targets;
    events += pass.events;
    if (pass.events <= (options.closeEnough ?? CLOSE_ENOUGH)) return { targets, events };
  }
};

/**
 * Puts the rebuilt tables in service in one transaction: the catalog points at them (with their checkpoints) and
 * the old tables go. A query reads the catalog and its table in one snapshot, so it sees the old table or the new
 * one, never a half-built one. A live runner notices its checkpoint moved and resumes from the new one.
 */
export const swapIn = (db: ReadModelDb, targets: readonly ProjectionTarget[], now: string): void =>
  db.transaction(() => {
    for (const target of targets) {
      const old = db.prepare<[string], { table_name: string }>('SELECT table_name FROM read_models WHERE name = ?').get(target.projection.name);
      db.prepare(
        `INSERT INTO read_models (name, version, table_name, position, updated_at) VALUES (@name, @version, @table, @position, @now)
         ON CONFLICT(name) DO UPDATE SET version = excluded.version, table_name = excluded.table_name,
           position = excluded.position, updated_at = excluded.updated_at`,
      ).run({ name: target.projection.name, version: target.projection.version, table: target.tableName, position: target.position, now });
      db.prepare('DELETE FROM rebuilds WHERE table_name = ?').run(target.tableName);
      if (old !== undefined && old.table_name !== target.tableName) db.exec(`DROP TABLE IF EXISTS ${old.table_name}`);
    }
  })();

/**
 * Rebuilds projections from position 0 into fresh tables and swaps them in atomically; the live tables keep
 * answering until the swap.
 */
export const rebuildProjections = async (options: RebuildOptions): Promise<RebuildResult> => {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  ensureReadModels(options.db, options.projections, now().toISOString());
  const scratch = createScratchTables(options.db, options.projections, 'rebuild', now().toISOString());
  const { targets, events } = await fillScratchTables({ ...options, targets: scratch });
  swapIn(options.db, targets, now().toISOString());
  return {
    projections: targets.map((t) => t.projection.name),
    events,
    position: Math.min(...targets.map((t) => t.position)),
    seconds: (performance.now() - started) / 1000,
  };
};
