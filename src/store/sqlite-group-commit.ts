import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { storeUnavailable, type EventStoreError } from './event-store-error.js';
import type { AppendedEvent, AppendResult, EventToAppend, ExpectedRevision } from './event-store.js';
import type { SqliteErasureMarks } from './sqlite-erasure-marks.js';
import { unavailableReason } from './sqlite-errors.js';

export type PendingAppend = {
  stream: string;
  events: readonly EventToAppend[];
  expected: ExpectedRevision;
  resolve: (result: E.Either<EventStoreError, AppendResult>) => void;
};

/**
 * What a refused commit needed beyond its rows' JSON, per event: the pages of the table and of its two indexes that
 * an insert touches, each a new WAL frame. A probe that writes less than the commit would pass on a disk still too
 * full for it.
 */
const PAGES_PER_EVENT_BYTES = 4 * 4096;

/** About what the commit of `batch` writes to the WAL. */
const commitBytes = (batch: readonly PendingAppend[]): number =>
  batch
    .flatMap((pending) => pending.events)
    .reduce((sum, event) => sum + JSON.stringify(event.data).length + JSON.stringify(event.metadata).length + PAGES_PER_EVENT_BYTES, 0);

class WrongRevision extends Error {
  constructor(readonly error: EventStoreError) {
    super('wrong expected revision');
  }
}

export type GroupCommit = {
  /** Queues an append; the appends queued in one turn of the event loop share one transaction. */
  readonly enqueue: (pending: PendingAppend) => void;
  /** Commits what is queued now (closing). */
  readonly flush: () => void;
  /** How much the last commit the store refused would have written, until a commit succeeds (what a probe writes). */
  readonly refusedCommitBytes: () => number;
};

/**
 * Appends that arrive together share one commit: one append's wrong expected revision does not fail its neighbours,
 * and every caller's promise settles only after the commit that holds its events. `committed` is told after each.
 */
export const sqliteGroupCommit = (db: Database.Database, marks: SqliteErasureMarks, committed: () => void): GroupCommit => {
  const statements = {
    revision: db.prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
    byId: db.prepare<[string, string], { revision: number; position: number }>('SELECT revision, position FROM events WHERE stream = ? AND id = ?'),
    insert: db.prepare(
      `INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at)
       VALUES (@id, @stream, @revision, @type, @data, @metadata, @recordedAt)`,
    ),
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

  let queue: PendingAppend[] = [];
  const flush = () => {
    const batch = queue;
    queue = [];
    if (commit(batch, new Date().toISOString())) committed();
  };

  return {
    enqueue: (pending) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push(pending);
    },
    flush: () => {
      if (queue.length > 0) flush();
    },
    refusedCommitBytes: () => refusedCommitBytes,
  };
};
