import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { storeUnavailable, type EventStoreError } from './event-store-error.js';
import type { ErasureMarks, StoreMaintenance } from './event-store.js';
import { answered, unavailableReason, type Lifecycle } from './sqlite-errors.js';
import { emptyWal } from './sqlite-wal.js';

/** A probe waits this long for another writer's lock, then reports the store locked (it must answer quickly). */
const PROBE_BUSY_TIMEOUT_MS = 250;

/** A probe never writes more than this, so that a disk with room for ordinary commits again is seen as recovered. */
const PROBE_MAX_BYTES = 4 * 1024 * 1024;

type SqliteMaintenanceDeps = {
  readonly db: Database.Database;
  readonly file: string;
  readonly lifecycle: Lifecycle;
  /** How much the last commit the store refused would have written (what a probe writes). */
  readonly refusedCommitBytes: () => number;
};

/**
 * The maintenance port of the embedded store, and the closing of the probe's connection. Its erasure marks are
 * rows of `erased_streams`, which the appends read inside their transaction.
 */
export const sqliteMaintenance = ({ db, file, lifecycle, refusedCommitBytes }: SqliteMaintenanceDeps) => {
  db.exec('CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), probed_at TEXT NOT NULL, padding BLOB NOT NULL);');
  const statements = {
    rewrite: db.prepare<{ stream: string; id: string; data: string; metadata: string }>(
      'UPDATE events SET data = @data, metadata = @metadata WHERE stream = @stream AND id = @id',
    ),
    mark: db.prepare<[string, string]>('INSERT OR IGNORE INTO erased_streams (stream, subject) VALUES (?, ?)'),
    lift: db.prepare<[string]>('DELETE FROM erased_streams WHERE subject = ?'),
    marks: db.prepare<[], { subject: string; stream: string }>('SELECT subject, stream FROM erased_streams ORDER BY subject, stream'),
  };
  const markAll = db.transaction((subject: string, streams: readonly string[]) => {
    for (const stream of streams) statements.mark.run(stream, subject);
  }).immediate;
  // One transaction per call: each event is either as it was or rewritten, never half of either.
  const rewriteAll = db.transaction((stream: string, rewrites: Parameters<StoreMaintenance['rewriteEvents']>[1]) =>
    rewrites.reduce(
      (sum, { id, data, metadata }) => sum + statements.rewrite.run({ stream, id, data: JSON.stringify(data), metadata: JSON.stringify(metadata) }).changes,
      0,
    ),
  ).immediate;
  // Its own connection, so that a probe of a locked store gives up after a short wait instead of the appends' one.
  let probeDb: Database.Database | undefined;
  const maintenance: StoreMaintenance = {
    probeWrites: async () =>
      answered(lifecycle, () => {
        if (probeDb === undefined) {
          probeDb = new Database(file);
          probeDb.pragma(`busy_timeout = ${PROBE_BUSY_TIMEOUT_MS}`);
        }
        probeDb
          .prepare('INSERT OR REPLACE INTO write_probe (id, probed_at, padding) VALUES (1, ?, zeroblob(?))')
          .run(new Date().toISOString(), Math.min(refusedCommitBytes(), PROBE_MAX_BYTES));
      }),
    markErased: async (subject, streams) => answered(lifecycle, () => markAll(subject, streams)),
    liftErased: async (subject) => answered(lifecycle, () => void statements.lift.run(subject)),
    erasureMarks: async () =>
      answered(lifecycle, () => {
        const marks: Record<string, string[]> = {};
        for (const { subject, stream } of statements.marks.all()) (marks[subject] ??= []).push(stream);
        return marks satisfies ErasureMarks;
      }),
    rewriteEvents: async (stream, rewrites) => answered(lifecycle, () => rewriteAll(stream, rewrites)),
    purgeRewritten: () => purgeRewritten(db, lifecycle),
  };
  return { maintenance, closeProbe: () => probeDb?.close() };
};

/** The store's purge: its WAL emptied (emptyWal), the file's failures and a WAL held by others as values. */
const purgeRewritten = async (db: Database.Database, lifecycle: Lifecycle): Promise<E.Either<EventStoreError, void>> => {
  if (lifecycle.closed) return E.left(storeUnavailable('store closed'));
  try {
    return (await emptyWal(db)) ? E.right(undefined) : E.left(storeUnavailable('SQLITE_BUSY: the WAL is in use; run the forget again'));
  } catch (error) {
    const reason = unavailableReason(error);
    if (reason === undefined) throw error;
    return E.left(storeUnavailable(reason));
  }
};
