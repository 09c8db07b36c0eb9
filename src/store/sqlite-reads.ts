import { resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, storeUnavailable } from './event-store-error.js';
import { START, type EventFilter, type EventStore, type JsonObject, type RecordedEvent } from './event-store.js';
import { answered, thrownBy, type Lifecycle } from './sqlite-errors.js';
import { subscriptionOf } from './subscription-of.js';

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

type Waiter = { readonly settle: () => void; readonly timer: NodeJS.Timeout };

export type SqliteReadOptions = {
  /** Rows per page when reading the log. */
  readonly pageSize: number;
  /** How often a subscription looks for events appended by another process (same-process appends wake it at once). */
  readonly pollIntervalMs: number;
};

type SqliteReads = Pick<EventStore, 'readStream' | 'readAll' | 'subscribe' | 'headPosition'> & {
  /** A commit of this connection: its subscriptions, and those of the process's other connections to the file, read on. */
  readonly committed: () => void;
  /** The store closes: every subscription ends, and no commit is told any more. */
  readonly close: () => void;
};

/** The commits a connection is told of: its own, and over a channel named after the file, its process's others'. */
const commitNotices = (file: string, pollIntervalMs: number) => {
  // How many commits this connection has been told of: a subscription told of one while it read reads again at once.
  let told = 0;
  const waiting = new Set<Waiter>();
  const wake = (): void => {
    told += 1;
    for (const waiter of waiting) {
      clearTimeout(waiter.timer);
      waiter.settle();
    }
    waiting.clear();
  };
  /** A promise's executor: it settles at the next commit told, or after the poll interval. */
  const waitForCommit = (settle: () => void): void => {
    const waiter: Waiter = {
      settle,
      timer: setTimeout(() => {
        waiting.delete(waiter);
        settle();
      }, pollIntervalMs),
    };
    waiting.add(waiter);
  };
  const channel = new BroadcastChannel(`skylight-events:${resolve(file)}`);
  channel.unref();
  channel.onmessage = wake;
  return {
    told: () => told,
    wake,
    waitForCommit,
    committed: () => {
      wake();
      channel.postMessage(null);
    },
    close: () => {
      channel.close();
      wake();
    },
  };
};

type CommitNotices = ReturnType<typeof commitNotices>;

/** The log after a position, filtered by stream prefixes: one statement per number of prefixes, prepared on first use. */
const filteredLog = (db: Database.Database) => {
  const filtered = new Map<number, Database.Statement<unknown[], EventRow>>();
  return (filter: EventFilter | undefined): { statement: Database.Statement<unknown[], EventRow>; params: unknown[] } => {
    const prefixes = filter?.streamPrefixes ?? [];
    let statement = filtered.get(prefixes.length);
    if (statement === undefined) {
      const clause = prefixes.length === 0 ? '' : ` AND (${prefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ')})`;
      statement = db.prepare<unknown[], EventRow>(`SELECT * FROM events WHERE position > ?${clause} ORDER BY position ASC LIMIT ?`);
      filtered.set(prefixes.length, statement);
    }
    return { statement, params: prefixes.flatMap((prefix) => [prefix.length, prefix]) };
  };
};

/** A subscription from a position: the log a page at a time, then a wait for the next commit told (or the poll). */
const subscriptionFrom = (log: Database.Statement<[number, number], EventRow>, lifecycle: Lifecycle, notices: CommitNotices, pageSize: number, fromPosition: number) => {
  let active = true;
  const events = async function* (): AsyncGenerator<RecordedEvent> {
    let after = fromPosition;
    while (active && !lifecycle.closed) {
      const toldBeforeRead = notices.told();
      let rows: EventRow[];
      try {
        rows = log.all(after, pageSize);
      } catch (error) {
        throw thrownBy(error);
      }
      for (const row of rows) {
        if (!active) return;
        after = row.position;
        yield toRecorded(row);
      }
      if (rows.length < pageSize && notices.told() === toldBeforeRead) await new Promise<void>(notices.waitForCommit);
    }
  };
  // Closing wakes every subscription of the store: the others read a page and wait again.
  return subscriptionOf(events(), () => {
    active = false;
    notices.wake();
  });
};

/**
 * The embedded store's reads of its events table, and its subscriptions: the log a page at a time from a position;
 * at its end, a subscription waits for the next commit. Commits of this connection wake it at once; another thread
 * of this process with its own connection to the file (the server's intake, the runner's worker) tells of its
 * commits on a channel named after the file; another process's are found by polling.
 */
export const sqliteReads = (db: Database.Database, file: string, lifecycle: Lifecycle, options: SqliteReadOptions): SqliteReads => {
  const { pageSize, pollIntervalMs } = options;
  const statements = {
    head: db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    revision: db.prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
    forwards: db.prepare<[string, number, number], EventRow>('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?'),
    backwards: db.prepare<[string, number, number], EventRow>('SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?'),
    log: db.prepare<[number, number], EventRow>('SELECT * FROM events WHERE position > ? ORDER BY position ASC LIMIT ?'),
  };
  const queryOf = filteredLog(db);
  const notices = commitNotices(file, pollIntervalMs);

  return {
    readStream: async (stream, { fromRevision, direction = 'forwards', limit = Number.MAX_SAFE_INTEGER } = {}) => {
      const rows = answered(lifecycle, () => {
        const found =
          direction === 'forwards'
            ? statements.forwards.all(stream, fromRevision ?? 0, limit)
            : statements.backwards.all(stream, fromRevision ?? Number.MAX_SAFE_INTEGER, limit);
        return found.length > 0 || statements.revision.get(stream)?.revision != null ? found : undefined;
      });
      if (E.isLeft(rows)) return rows;
      return rows.right === undefined ? E.left({ kind: 'stream_not_found', stream }) : E.right(rows.right.map(toRecorded));
    },
    readAll: async function* ({ fromPosition = START, filter, limit = Number.POSITIVE_INFINITY } = {}) {
      let query: ReturnType<typeof queryOf> | undefined;
      let after = fromPosition;
      let remaining = limit;
      while (remaining > 0) {
        if (lifecycle.closed) throw new EventStoreFailure(storeUnavailable('store closed'));
        let rows: EventRow[];
        try {
          query ??= queryOf(filter);
          rows = query.statement.all(after, ...query.params, Math.min(pageSize, remaining));
        } catch (error) {
          throw thrownBy(error);
        }
        for (const row of rows) yield toRecorded(row);
        if (rows.length < pageSize) return;
        after = rows[rows.length - 1]?.position ?? after;
        remaining -= rows.length;
      }
    },
    subscribe: ({ fromPosition = START } = {}) => subscriptionFrom(statements.log, lifecycle, notices, pageSize, fromPosition),
    headPosition: async () => answered(lifecycle, () => statements.head.get()?.position ?? START),
    committed: notices.committed,
    close: notices.close,
  };
};

