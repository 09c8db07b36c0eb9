import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { wrongExpectedRevision, type EventStoreError } from './event-store-error.js';
import type { AppendedEvent, AppendResult, EventToAppend, ExpectedRevision } from './event-store.js';
import type { SqliteErasureMarks } from './sqlite-erasure-marks.js';

export type AppendRequest = {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
};

class WrongRevision extends Error {
  constructor(readonly error: EventStoreError) {
    super('wrong expected revision');
  }
}

const prepareStatements = (db: Database.Database) => ({
  revision: db.prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
  byId: db.prepare<[string, string], { revision: number; position: number }>('SELECT revision, position FROM events WHERE stream = ? AND id = ?'),
  insert: db.prepare(
    `INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at)
     VALUES (@id, @stream, @revision, @type, @data, @metadata, @recordedAt)`,
  ),
});

type Statements = ReturnType<typeof prepareStatements>;

// Runs inside the batch's transaction. A wrong expected revision is found before anything is written, so a
// failing append leaves nothing behind for its neighbours and needs no savepoint of its own.
const appendOne = (statements: Statements, marks: SqliteErasureMarks, request: AppendRequest, recordedAt: string): AppendResult => {
  const { stream, events, expected } = request;
  let revision = statements.revision.get(stream)?.revision ?? -1;
  const seen = new Map<string, AppendedEvent>();
  const known = events.map((event) => {
    const found = statements.byId.get(stream, event.id);
    return found === undefined ? undefined : { id: event.id, status: 'duplicate' as const, ...found };
  });
  const fresh = known.some((k) => k === undefined);
  const mismatch = expected === 'no_stream' ? revision !== -1 : typeof expected === 'number' && revision !== expected;
  if (fresh && mismatch) {
    throw new WrongRevision(wrongExpectedRevision(stream, expected, revision === -1 ? 'no_stream' : revision));
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

/** Appends in one transaction, each with its own outcome. */
export type SqliteAppend = (batch: readonly AppendRequest[], recordedAt: string) => E.Either<EventStoreError, AppendResult>[];

/**
 * Appends a batch in one transaction: one append's wrong expected revision is its outcome and fails none of the
 * others; what the file refuses (busy, full) is thrown, and the whole batch is then not stored.
 */
export const sqliteAppend = (db: Database.Database, marks: SqliteErasureMarks): SqliteAppend => {
  const statements = prepareStatements(db);
  return (batch, recordedAt) => {
    const outcomes: E.Either<EventStoreError, AppendResult>[] = [];
    // Immediate: the write lock is taken before the revisions are read, so two processes sharing the file never
    // decide on a stale snapshot (a deferred transaction would fail its upgrade with SQLITE_BUSY_SNAPSHOT).
    db.transaction(() => {
      marks.beginCommit();
      for (const request of batch) {
        try {
          outcomes.push(E.right(appendOne(statements, marks, request, recordedAt)));
        } catch (error) {
          if (!(error instanceof WrongRevision)) throw error;
          outcomes.push(E.left(error.error));
        }
      }
    }).immediate();
    return outcomes;
  };
};
