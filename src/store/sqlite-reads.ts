import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure } from './event-store-error.js';
import { START, type EventFilter, type EventStore, type JsonObject, type Position, type RecordedEvent } from './event-store.js';
import { answered } from './sqlite-errors.js';

export type EventRow = {
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
export const toRecorded = (row: EventRow): RecordedEvent => {
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

const filterClause = (filter: EventFilter | undefined): { sql: string; params: unknown[] } => {
  const prefixes = filter?.streamPrefixes ?? [];
  if (prefixes.length === 0) return { sql: '', params: [] };
  return {
    sql: ` AND (${prefixes.map(() => 'substr(stream, 1, ?) = ?').join(' OR ')})`,
    params: prefixes.flatMap((prefix) => [prefix.length, prefix]),
  };
};

/** The embedded store's reads of its events table: the port's, and the log a page at a time for subscriptions. */
export type SqliteReads = Pick<EventStore, 'readStream' | 'readAll' | 'headPosition'> & {
  /** Up to `limit` rows of the log after `after`, in log order; an iteration's read, so its failure is thrown. */
  readonly page: (after: Position, filter: EventFilter | undefined, limit: number) => EventRow[];
};

export const sqliteReads = (db: Database.Database, pageSize: number): SqliteReads => {
  const statements = {
    head: db.prepare<[], { position: number | null }>('SELECT MAX(position) AS position FROM events'),
    revision: db.prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
    forwards: db.prepare<[string, number, number], EventRow>('SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?'),
    backwards: db.prepare<[string, number, number], EventRow>('SELECT * FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?'),
  };
  const page = pageOfLog(db);
  return {
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
    readAll: async function* (options = {}) {
      let after = options.fromPosition ?? START;
      let remaining = options.limit ?? Number.POSITIVE_INFINITY;
      while (remaining > 0) {
        const rows = page(after, options.filter, Math.min(pageSize, remaining));
        for (const row of rows) yield toRecorded(row);
        if (rows.length < pageSize) return;
        after = rows[rows.length - 1]?.position ?? after;
        remaining -= rows.length;
      }
    },
    headPosition: async () => answered(false, () => statements.head.get()?.position ?? START),
    page,
  };
};

/** A page of the log after a position, by one statement per filter's shape, prepared on first use. */
const pageOfLog = (db: Database.Database): SqliteReads['page'] => {
  const statements = new Map<string, Database.Statement<unknown[], EventRow>>();
  return (after, filter, limit) => {
    const rows = answered(false, () => {
      const { sql, params } = filterClause(filter);
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = db.prepare<unknown[], EventRow>(`SELECT * FROM events WHERE position > ?${sql} ORDER BY position ASC LIMIT ?`);
        statements.set(sql, statement);
      }
      return statement.all(after, ...params, limit);
    });
    if (E.isLeft(rows)) throw new EventStoreFailure(rows.left);
    return rows.right;
  };
};
