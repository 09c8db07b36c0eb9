import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type { OpenedStore } from './event-store.js';
import { storeUnavailable } from './event-store-error.js';
import { sqliteCommits } from './sqlite-commits.js';
import { sqliteErasureMarks } from './sqlite-erasure-marks.js';
import { sqliteGroupCommit } from './sqlite-group-commit.js';
import { sqliteMaintenance } from './sqlite-maintenance.js';
import { sqliteReads } from './sqlite-reads.js';
import { sqliteSubscription } from './sqlite-subscription.js';

export type SqliteDurability = 'normal' | 'full';

export type SqliteEventStoreOptions = {
  /**
   * `full` (default): a commit is fsynced before it is acknowledged, and survives power loss. `normal`: a commit
   * survives a process crash, but those since the last checkpoint can be lost to a power loss, an OS crash or a
   * filesystem error (WAL with synchronous=NORMAL).
   */
  readonly durability?: SqliteDurability;
  /** How often a subscription looks for events appended by another process (same-process appends wake it at once). */
  readonly pollIntervalMs?: number;
  /** Rows per page when reading the log. */
  readonly pageSize?: number;
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
`;

/**
 * The embedded event store: one SQLite file in WAL mode, mirroring EventStoreDB's model (streams with revisions,
 * a global position, event ids unique per stream). Appends that arrive together share one commit (group commit):
 * one append's wrong expected revision does not fail its neighbours, and every caller's promise settles only after
 * the commit that holds its events.
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
  const marks = sqliteErasureMarks(db);
  const pageSize = options.pageSize ?? 1000;
  const reads = sqliteReads(db, pageSize);
  const commits = sqliteCommits(file, options.pollIntervalMs ?? 100);
  const group = sqliteGroupCommit(db, marks, commits.committed);
  let closed = false;
  const isClosed = () => closed;
  const { maintenance, closeProbe } = sqliteMaintenance({ db, file, marks, refusedCommitBytes: group.refusedCommitBytes, closed: isClosed });
  return {
    kind: 'sqlite',
    // Row ids of one table, never reused: a rolled-back write takes none.
    eventsBetween: (from, to) => Math.max(0, to - from),
    append: (stream, events, expectedRevision = 'any') =>
      new Promise((resolve) => {
        if (closed) return resolve(E.left(storeUnavailable('store closed')));
        group.enqueue({ stream, events, expected: expectedRevision, resolve });
      }),
    readStream: reads.readStream,
    readAll: reads.readAll,
    subscribe: (subscribeOptions = {}) => sqliteSubscription({ page: reads.page, pageSize, commits, closed: isClosed }, subscribeOptions),
    headPosition: reads.headPosition,
    ...maintenance,
    close: async () => {
      if (closed) return;
      group.flush();
      closed = true;
      commits.close();
      closeProbe();
      db.close();
    },
  };
};
