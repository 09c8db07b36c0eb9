import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { storeUnavailable, type EventStoreError } from './event-store-error.js';
import type { StoreMaintenance } from './event-store.js';
import type { SqliteErasureMarks } from './sqlite-erasure-marks.js';
import { answered, unavailableReason } from './sqlite-errors.js';
import { emptyWal } from './sqlite-wal.js';

/** A probe waits this long for another writer's lock, then reports the store locked (it must answer quickly). */
const PROBE_BUSY_TIMEOUT_MS = 250;

/** A probe never writes more than this, so that a disk with room for ordinary commits again is seen as recovered. */
const PROBE_MAX_BYTES = 4 * 1024 * 1024;

export type SqliteMaintenanceDeps = {
  readonly db: Database.Database;
  readonly file: string;
  readonly marks: SqliteErasureMarks;
  /** How much the last commit the store refused would have written (what a probe writes). */
  readonly refusedCommitBytes: () => number;
  readonly closed: () => boolean;
};

/** The maintenance port of the embedded store, and the closing of the probe's connection. */
export const sqliteMaintenance = ({ db, file, marks, refusedCommitBytes, closed }: SqliteMaintenanceDeps) => {
  db.exec('CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), probed_at TEXT NOT NULL, padding BLOB NOT NULL);');
  const rewrite = db.prepare<{ stream: string; id: string; data: string; metadata: string }>(
    'UPDATE events SET data = @data, metadata = @metadata WHERE stream = @stream AND id = @id',
  );
  // Its own connection, so that a probe of a locked store gives up after a short wait instead of the appends' one.
  let probeDb: Database.Database | undefined;
  const maintenance: StoreMaintenance = {
    probeWrites: async () =>
      answered(closed(), () => {
        if (probeDb === undefined) {
          probeDb = new Database(file);
          probeDb.pragma(`busy_timeout = ${PROBE_BUSY_TIMEOUT_MS}`);
        }
        probeDb
          .prepare('INSERT OR REPLACE INTO write_probe (id, probed_at, padding) VALUES (1, ?, zeroblob(?))')
          .run(new Date().toISOString(), Math.min(refusedCommitBytes(), PROBE_MAX_BYTES));
      }),
    markErased: async (subject, streams) => answered(closed(), () => marks.mark(subject, streams)),
    liftErased: async (subject) => answered(closed(), () => marks.lift(subject)),
    erasureMarks: async () => answered(closed(), marks.all),
    // One transaction per call: each event is either as it was or rewritten, never half of either.
    rewriteEvents: async (stream, rewrites) =>
      answered(closed(), () =>
        db.transaction(() =>
          rewrites.reduce(
            (sum, { id, data, metadata }) => sum + rewrite.run({ stream, id, data: JSON.stringify(data), metadata: JSON.stringify(metadata) }).changes,
            0,
          ),
        ).immediate(),
      ),
    purgeRewritten: () => purgeRewritten(db, closed),
  };
  return { maintenance, closeProbe: () => probeDb?.close() };
};

/** The store's purge: its WAL emptied (emptyWal), the file's failures and a WAL held by others as values. */
const purgeRewritten = async (db: Database.Database, closed: () => boolean): Promise<E.Either<EventStoreError, void>> => {
  if (closed()) return E.left(storeUnavailable('store closed'));
  try {
    return (await emptyWal(db)) ? E.right(undefined) : E.left(storeUnavailable('SQLITE_BUSY: the WAL is in use; run the forget again'));
  } catch (error) {
    const reason = unavailableReason(error);
    if (reason === undefined) throw error;
    return E.left(storeUnavailable(reason));
  }
};
