import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type ReadModelDb = Database.Database;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS read_models (
    name       TEXT PRIMARY KEY,
    version    INTEGER NOT NULL,
    table_name TEXT NOT NULL,
    position   INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS rebuilds (
    table_name TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    version    INTEGER NOT NULL,
    purpose    TEXT NOT NULL,
    position   INTEGER NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS log_identity (
    only        INTEGER PRIMARY KEY CHECK (only = 1),
    identity    TEXT NOT NULL,
    recorded_at TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS skipped_events (
    position INTEGER PRIMARY KEY,
    event_id TEXT NOT NULL,
    type     TEXT NOT NULL,
    reason   TEXT NOT NULL
  );
`;

/**
 * The read model's own SQLite file, separate from the event log (and present also when the log is EventStoreDB):
 * projected rows and each projection's checkpoint, written together.
 */
export const openReadModelDb = (file: string): ReadModelDb => {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // SQLite's default of 1,000 pages: the runner's commit that passes it copies the WAL into the file, on the
  // runner's thread. At 10,000 pages each such copy (40 MB) held the live loop back for tens of milliseconds, and
  // live lag p99 at 1,000 deliveries/s was 45–48 ms against 18–20 ms now; a rebuild takes as long (docs/performance.md).
  db.pragma('wal_autocheckpoint = 1000');
  // A sort as large as a rebuilt table's index (CREATE INDEX) may use a helper thread: about a fifth less time.
  db.pragma('threads = 2');
  // Whatever a write replaces or frees is zeroed as it commits, so that an erasure's purge is a checkpoint, not a VACUUM.
  db.pragma('secure_delete = ON');
  db.exec(SCHEMA);
  return db;
};
