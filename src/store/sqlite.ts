import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BroadcastChannel } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type {
  EventFilter,
  OpenedStore,
  EventRewrite,
  JsonObject,
  Position,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from './event-store.js';
import { START } from './event-store.js';
import { storeUnavailable, type EventStoreError, EventStoreFailure } from './event-store-error.js';
import { sqliteErasureMarks } from './sqlite-erasure-marks.js';
import { answered } from './sqlite-errors.js';
import { sqliteGroupCommit } from './sqlite-group-commit.js';
import { subscriptionOf } from './subscription-of.js';

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

type EventRow = {
  position: number;
  id: string;
  stream: string;
  revision: number;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
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
  CREATE TABLE IF NOT EXISTS write_probe (id INTEGER PRIMARY KEY CHECK (id = 1), probed_at TEXT NOT NULL, padding BLOB NOT NULL);
`;

/** A probe waits this long for another writer's lock, then reports the store locked (it must answer quickly). */
const PROBE_BUSY_TIMEOUT_MS = 250;

/** Metadata (headers, delivery id: often longer than the data) is parsed on first use: the runner seldom needs it. */
const toRecorded = (row: EventRow): RecordedEvent => {
  let metadata: JsonObject | undefined;
  return {
    id: row.id,
    stream: row.stream,
    type: row.type,
    revision: row.revision,
    position: row.position,
    data: JSON.parse(row.data),
    get metadata() {
      metadata ??= JSON.parse(row.metadata) as JsonObject;
      return metadata;
    },
    recordedAt: row.recorded_at,
  };
};

/** A probe never writes more than this, so that a disk with room for ordinary commits again is seen as recovered. */
const PROBE_MAX_BYTES = 4 * 1024 * 1024;

/** Tries of a purge's checkpoint, a short pause apart: readers on an older snapshot finish meanwhile. */
const PURGE_TRIES = 30;
const PURGE_PAUSE_MS = 100;

const filterClause = (filter: EventFilter | undefined): { sql: string; params: unknown[] } => {
  const prefixes = filter?.streamPrefixes ?? [];
  if (prefixes.length === 0) return { sql: '', params: [] };
  return {
    sql: ` AND (${prefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ')})`,
    params: prefixes.flatMap((prefix) => [prefix.length, prefix]),
  };
};

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
  const pollIntervalMs = options.pollIntervalMs ?? 100;

  const statements = {
    head: db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    revision: db.prepare<[string], { revision: number | null }>(
      'SELECT MAX(revision) AS revision FROM events WHERE stream = ?',
    ),
    forwards: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?',
    ),
    backwards: db.prepare<[string, number, number], EventRow>(
      'SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?',
    ),
    rewrite: db.prepare<{ stream: string; id: string; data: string; metadata: string }>(
      'UPDATE events SET data = @data, metadata = @metadata WHERE stream = @stream AND id = @id',
    ),
  };
  const pageStatements = new Map<string, Database.Statement<unknown[], EventRow>>();
  const readPage = (after: Position, filter: EventFilter | undefined, limit: number): EventRow[] => {
    const { sql, params } = filterClause(filter);
    let statement = pageStatements.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[], EventRow>(
        `SELECT * FROM events WHERE position > ?${sql} ORDER BY position ASC LIMIT ?`,
      );
      pageStatements.set(sql, statement);
    }
    return statement.all(after, ...params, limit);
  };

  const waiters = new Set<() => void>();
  // Counts wakes, so that a subscription woken while it was not waiting (between pages) reads again at once.
  let wakes = 0;
  const wake = () => {
    wakes += 1;
    for (const waiter of waiters) waiter();
    waiters.clear();
  };
  // Another thread of this process with its own connection to the file (the server's intake and the runner's worker)
  // tells of its commits on this channel; another process is found by the poll.
  const commits = new BroadcastChannel(`skylight-events:${resolve(file)}`);
  commits.unref();
  commits.onmessage = wake;

  const group = sqliteGroupCommit(db, marks, () => {
    wake();
    commits.postMessage(null);
  });

  let closed = false;

  // Its own connection, so that a probe of a locked store gives up after a short wait instead of the appends' one.
  let probeDb: Database.Database | undefined;
  const probeWrites = async (): Promise<E.Either<EventStoreError, void>> =>
    answered(closed, () => {
      if (probeDb === undefined) {
        probeDb = new Database(file);
        probeDb.pragma(`busy_timeout = ${PROBE_BUSY_TIMEOUT_MS}`);
      }
      probeDb
        .prepare('INSERT OR REPLACE INTO write_probe (id, probed_at, padding) VALUES (1, ?, zeroblob(?))')
        .run(new Date().toISOString(), Math.min(group.refusedCommitBytes(), PROBE_MAX_BYTES));
    });

  // One transaction per call: each event is either as it was or rewritten, never half of either.
  const rewriteEvents = async (stream: string, rewrites: readonly EventRewrite[]): Promise<E.Either<EventStoreError, number>> =>
    answered(closed, () =>
      db.transaction(() =>
        rewrites.reduce(
          (sum, rewrite) =>
            sum +
            statements.rewrite.run({ stream, id: rewrite.id, data: JSON.stringify(rewrite.data), metadata: JSON.stringify(rewrite.metadata) }).changes,
          0,
        ),
      ).immediate(),
    );

  /**
   * secure_delete = ON zeroed what a rewrite replaced, in its page and in pages it freed, as the rewrite committed;
   * the old versions remain only as page images in the WAL, which a truncating checkpoint copies into the file and
   * empties to 0 bytes. (No VACUUM: it held the write lock for seconds on a large log, and found nothing left.)
   */
  const purgeRewritten = async (): Promise<E.Either<EventStoreError, void>> => {
    for (let attempt = 1; ; attempt++) {
      const checkpoint = answered(closed, () => (db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]);
      if (E.isLeft(checkpoint)) return checkpoint;
      if (checkpoint.right === undefined || checkpoint.right.busy === 0) return E.right(undefined);
      // Another connection (a reader, another process) kept the WAL from being emptied: the bytes are still there.
      if (attempt >= PURGE_TRIES) return E.left(storeUnavailable('SQLITE_BUSY: the WAL is in use; run the forget again'));
      await sleep(PURGE_PAUSE_MS);
    }
  };

  const readAll = async function* (options: ReadAllOptions = {}): AsyncGenerator<RecordedEvent> {
    let after = options.fromPosition ?? START;
    let remaining = options.limit ?? Number.POSITIVE_INFINITY;
    while (remaining > 0) {
      const rows = guardedRead(() => readPage(after, options.filter, Math.min(pageSize, remaining)));
      for (const row of rows) yield toRecorded(row);
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]?.position ?? after;
      remaining -= rows.length;
    }
  };

  const subscribe = (options: SubscribeOptions = {}): Subscription => {
    let active = true;
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const nextSignal = () =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.add(done);
        void stopped.then(done);
      });
    const iterate = async function* (): AsyncGenerator<RecordedEvent> {
      let after = options.fromPosition ?? START;
      while (active && !closed) {
        const wakesBeforeRead = wakes;
        const rows = guardedRead(() => readPage(after, options.filter, pageSize));
        for (const row of rows) {
          if (!active) return;
          after = row.position;
          yield toRecorded(row);
        }
        if (rows.length < pageSize && wakes === wakesBeforeRead) await nextSignal();
      }
    };
    return subscriptionOf(iterate(), () => {
      active = false;
      stop();
    });
  };

  const guardedRead = <A>(read: () => A): A => {
    const rows = answered(false, read);
    if (E.isLeft(rows)) throw new EventStoreFailure(rows.left);
    return rows.right;
  };

  return {
    kind: 'sqlite',
    // Row ids of one table, never reused: a rolled-back write takes none.
    eventsBetween: (from, to) => Math.max(0, to - from),
    append: (stream, events, expectedRevision = 'any') =>
      new Promise((resolve) => {
        if (closed) return resolve(E.left(storeUnavailable('store closed')));
        group.enqueue({ stream, events, expected: expectedRevision, resolve });
      }),
    readStream: async (stream, { fromRevision, direction = 'forwards', limit = Number.MAX_SAFE_INTEGER } = {}) => {
      const rows = answered(false, () =>
        direction === 'forwards'
          ? statements.forwards.all(stream, fromRevision ?? 0, limit)
          : statements.backwards.all(stream, fromRevision ?? Number.MAX_SAFE_INTEGER, limit),
      );
      if (E.isRight(rows) && rows.right.length === 0 && statements.revision.get(stream)?.revision == null) {
        return E.left({ kind: 'stream_not_found', stream });
      }
      return E.map((found: EventRow[]) => found.map(toRecorded))(rows);
    },
    readAll,
    subscribe,
    headPosition: async () => answered(false, () => statements.head.get()?.position ?? START),
    probeWrites,
    markErased: async (subject, streams) => answered(closed, () => marks.mark(subject, streams)),
    liftErased: async (subject) => answered(closed, () => marks.lift(subject)),
    erasureMarks: async () => answered(closed, marks.all),
    rewriteEvents,
    purgeRewritten,
    close: async () => {
      if (closed) return;
      group.flush();
      closed = true;
      commits.close();
      wake();
      probeDb?.close();
      db.close();
    },
  };
};
