import { resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import type {
  AppendedEvent,
  AppendResult,
  EventFilter,
  OpenedStore,
  EventRewrite,
  EventToAppend,
  ExpectedRevision,
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

type PendingAppend = {
  stream: string;
  events: readonly EventToAppend[];
  expected: ExpectedRevision;
  resolve: (result: E.Either<EventStoreError, AppendResult>) => void;
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

/**
 * What a refused commit needed beyond its rows' JSON, per event: the pages of the table and of its two indexes that
 * an insert touches, each a new WAL frame. A probe that writes less than the commit would pass on a disk still too
 * full for it.
 */
const PAGES_PER_EVENT_BYTES = 4 * 4096;
/** A probe never writes more than this, so that a disk with room for ordinary commits again is seen as recovered. */
const PROBE_MAX_BYTES = 4 * 1024 * 1024;

/** About what the commit of `batch` writes to the WAL. */
const commitBytes = (batch: readonly PendingAppend[]): number =>
  batch
    .flatMap((pending) => pending.events)
    .reduce((sum, event) => sum + JSON.stringify(event.data).length + JSON.stringify(event.metadata).length + PAGES_PER_EVENT_BYTES, 0);

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

/** SQLite error codes that mean "the store cannot take writes now" rather than a bug. */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN|PROTOCOL|NOMEM|CORRUPT|NOTADB)/;

const unavailableReason = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && UNAVAILABLE_CODES.test(code) ? code : undefined;
};

/** An expected failure of the file (busy, full, read-only) as a value; anything else is a bug and throws. */
const answered = <A>(closed: boolean, work: () => A): E.Either<EventStoreError, A> => {
  if (closed) return E.left(storeUnavailable('store closed'));
  try {
    return E.right(work());
  } catch (error) {
    const reason = unavailableReason(error);
    if (reason === undefined) throw error;
    return E.left(storeUnavailable(reason));
  }
};

class WrongRevision extends Error {
  constructor(readonly error: EventStoreError) {
    super('wrong expected revision');
  }
}

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
    byId: db.prepare<[string, string], { revision: number; position: number }>(
      'SELECT revision, position FROM events WHERE stream = ? AND id = ?',
    ),
    insert: db.prepare(
      `INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at)
       VALUES (@id, @stream, @revision, @type, @data, @metadata, @recordedAt)`,
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

  // Runs inside the batch's transaction. A wrong expected revision is found before anything is written, so a
  // failing append leaves nothing behind for its neighbours and needs no savepoint of its own.
  const appendOne = (pending: PendingAppend, recordedAt: string): AppendResult => {
    const { stream, events, expected } = pending;
    let revision = statements.revision.get(stream)?.revision ?? -1;
    const seen = new Map<string, AppendedEvent>();
    const known = events.map((event) => {
      const found = statements.byId.get(stream, event.id);
      return found === undefined ? undefined : { id: event.id, status: 'duplicate' as const, ...found };
    });
    const fresh = known.some((k) => k === undefined);
    const mismatch = expected === 'no_stream' ? revision !== -1 : typeof expected === 'number' && revision !== expected;
    if (fresh && mismatch) {
      throw new WrongRevision({
        kind: 'wrong_expected_revision',
        stream,
        expected: String(expected),
        actual: revision === -1 ? 'no_stream' : String(revision),
      });
    }
    const results = events.map((event, index): AppendedEvent => {
      const duplicate = known[index] ?? seen.get(event.id);
      if (duplicate !== undefined) return { ...duplicate, status: 'duplicate' };
      revision += 1;
      const stored = marks.storedForm(stream, event);
      const info = statements.insert.run({
        id: event.id,
        stream,
        revision,
        type: event.type,
        data: JSON.stringify(stored.data),
        metadata: JSON.stringify(stored.metadata),
        recordedAt,
      });
      const appended = { id: event.id, status: 'appended' as const, revision, position: Number(info.lastInsertRowid) };
      seen.set(event.id, appended);
      return appended;
    });
    return { stream, revision, events: results };
  };

  let queue: PendingAppend[] = [];
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

  // How much the last commit the store refused would have written, until a commit succeeds (what a probe writes).
  let refusedCommitBytes = 0;

  /**
   * Commits `batch` in one transaction and settles its appends; true when it committed. A disk too full for the whole
   * batch gets its halves, down to single appends, so that what fits is stored and only what does not is refused.
   */
  const commit = (batch: readonly PendingAppend[], recordedAt: string): boolean => {
    const outcomes: E.Either<EventStoreError, AppendResult>[] = [];
    // Immediate: the write lock is taken before the revisions are read, so two processes sharing the file never
    // decide on a stale snapshot (a deferred transaction would fail its upgrade with SQLITE_BUSY_SNAPSHOT).
    try {
      db.transaction(() => {
        marks.beginCommit();
        for (const pending of batch) {
          try {
            outcomes.push(E.right(appendOne(pending, recordedAt)));
          } catch (error) {
            if (!(error instanceof WrongRevision)) throw error;
            outcomes.push(E.left(error.error));
          }
        }
      }).immediate();
    } catch (error) {
      const reason = unavailableReason(error);
      if (reason === undefined) throw error;
      if (reason.startsWith('SQLITE_FULL') && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        const first = commit(batch.slice(0, half), recordedAt);
        return commit(batch.slice(half), recordedAt) || first;
      }
      refusedCommitBytes = commitBytes(batch);
      batch.forEach((pending) => pending.resolve(E.left(storeUnavailable(reason))));
      return false;
    }
    refusedCommitBytes = 0;
    batch.forEach((pending, index) => pending.resolve(outcomes[index] as E.Either<EventStoreError, AppendResult>));
    return true;
  };

  const flush = () => {
    const batch = queue;
    queue = [];
    if (!commit(batch, new Date().toISOString())) return;
    wake();
    commits.postMessage(null);
  };

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
        .run(new Date().toISOString(), Math.min(refusedCommitBytes, PROBE_MAX_BYTES));
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
    const checkpoint = answered(closed, () => (db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[])[0]);
    if (E.isLeft(checkpoint)) return checkpoint;
    // Another connection (a reader, another process) kept the WAL from being emptied: the bytes are still there.
    return checkpoint.right !== undefined && checkpoint.right.busy !== 0
      ? E.left(storeUnavailable('SQLITE_BUSY: the WAL is in use; run the forget again'))
      : E.right(undefined);
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
        if (queue.length === 0) setImmediate(flush);
        queue.push({ stream, events, expected: expectedRevision, resolve });
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
      if (queue.length > 0) flush();
      closed = true;
      commits.close();
      wake();
      probeDb?.close();
      db.close();
    },
  };
};
