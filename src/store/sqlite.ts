import Database from 'better-sqlite3';
import type { OpenedStore } from './event-store.js';
import { sqliteAppends } from './sqlite-append.js';
import type { Lifecycle } from './sqlite-errors.js';
import { sqliteMaintenance } from './sqlite-maintenance.js';
import { sqliteReads, type SqliteReadOptions } from './sqlite-reads.js';

export type SqliteDurability = 'normal' | 'full';

type SqliteEventStoreOptions = Partial<SqliteReadOptions> & {
  /**
   * `full` (default): a commit is fsynced before it is acknowledged, and survives power loss. `normal`: a commit
   * survives a process crash, but those since the last checkpoint can be lost to a power loss, an OS crash or a
   * filesystem error (WAL with synchronous=NORMAL).
   */
  readonly durability?: SqliteDurability;
};

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position    INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL,
    stream      TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    type        TEXT NOT NULL,
    data        TEXT NOT NULL,
    metadata    TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (stream, revision),
    UNIQUE (stream, id)
  );
  CREATE TABLE IF NOT EXISTS erased_streams (stream TEXT NOT NULL, subject TEXT NOT NULL, PRIMARY KEY (stream, subject)) WITHOUT ROWID;
  CREATE INDEX IF NOT EXISTS erased_streams_subject ON erased_streams (subject);
`;

/**
 * The embedded event store: one SQLite file in WAL mode, mirroring EventStoreDB's model (streams with revisions,
 * a global position, event ids unique per stream): its appends (sqlite-append.ts), its reads and subscriptions
 * (sqlite-reads.ts) and its maintenance (sqlite-maintenance.ts) over one connection.
 */
export const openSqliteEventStore = (file: string, options: SqliteEventStoreOptions = {}): OpenedStore => {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.durability === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('busy_timeout = 2000');
  db.pragma('wal_autocheckpoint = 10000');
  // Freed content is zeroed, so an erasure's rewrite leaves no copy of what it replaced in the file's free space.
  db.pragma('secure_delete = ON');
  db.exec(SCHEMA);
  const lifecycle: Lifecycle = { closed: false };
  const reads = sqliteReads(db, file, lifecycle, { pageSize: options.pageSize ?? 1000, pollIntervalMs: options.pollIntervalMs ?? 100 });
  const appends = sqliteAppends(db, lifecycle, reads.committed);
  const { maintenance, closeProbe } = sqliteMaintenance({ db, file, lifecycle, refusedCommitBytes: appends.refusedCommitBytes });
  return {
    kind: 'sqlite',
    // Row ids of one table, never reused: a rolled-back write takes none.
    eventsBetween: (from, to) => Math.max(0, to - from),
    append: appends.append,
    readStream: reads.readStream,
    readAll: reads.readAll,
    subscribe: reads.subscribe,
    headPosition: reads.headPosition,
    ...maintenance,
    close: async () => {
      if (lifecycle.closed) return;
      appends.flush();
      lifecycle.closed = true;
      reads.close();
      closeProbe();
      db.close();
    },
  };
};
