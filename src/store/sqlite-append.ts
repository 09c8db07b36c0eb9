import { setImmediate as nextTurn } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { storeUnavailable, wrongExpectedRevision, type EventStoreError } from './event-store-error.js';
import type { AppendedEvent, AppendResult, EventStore, EventToAppend, ExpectedRevision, JsonObject, PersonalData } from './event-store.js';
import { unavailableReason, type Lifecycle } from './sqlite-errors.js';

type AppendOutcome = E.Either<EventStoreError, AppendResult>;

type AppendRequest = {
  readonly stream: string;
  readonly events: readonly EventToAppend[];
  readonly expected: ExpectedRevision;
  /** Set by the commit that holds the append (or refuses it). */
  outcome?: AppendOutcome;
};

type QueuedCommit = { readonly requests: AppendRequest[]; readonly done: Promise<void> };

/**
 * What a refused commit needed beyond its rows' JSON, per event: the pages of the table and of its two indexes that
 * an insert touches, each a new WAL frame. A probe that writes less than the commit would pass on a disk still too
 * full for it.
 */
const PAGES_PER_EVENT_BYTES = 4 * 4096;

/** About what the commit of `requests` writes to the WAL. */
const commitBytes = (requests: readonly AppendRequest[]): number =>
  requests
    .flatMap((request) => request.events)
    .reduce((sum, event) => sum + JSON.stringify(event.data).length + JSON.stringify(event.metadata).length + PAGES_PER_EVENT_BYTES, 0);

const prepareStatements = (db: Database.Database) => ({
  anyMarked: db.prepare<[], { found: number }>('SELECT EXISTS (SELECT 1 FROM erased_streams) AS found'),
  subjectOf: db.prepare<[string], { subject: string }>('SELECT subject FROM erased_streams WHERE stream = ? LIMIT 1'),
  mark: db.prepare<[string, string]>('INSERT OR IGNORE INTO erased_streams (stream, subject) VALUES (?, ?)'),
  revision: db.prepare<[string], { revision: number | null }>('SELECT MAX(revision) AS revision FROM events WHERE stream = ?'),
  byId: db.prepare<[string, string], { revision: number; position: number }>('SELECT revision, position FROM events WHERE stream = ? AND id = ?'),
  insert: db.prepare<[string, string, number, string, string, string, string]>(
    'INSERT INTO events (id, stream, revision, type, data, metadata, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  ),
});

type Statements = ReturnType<typeof prepareStatements>;

/** The redacted form of an event about a stream marked erased (marking its own stream too), else undefined. */
const redactedForm = (statements: Statements, stream: string, personal: PersonalData): { readonly data: unknown; readonly metadata: JsonObject } | undefined => {
  const about = personal.about();
  for (const candidate of about) {
    const subject = statements.subjectOf.get(candidate)?.subject;
    if (subject === undefined) continue;
    if (about.includes(stream)) statements.mark.run(stream, subject);
    return personal.redacted();
  }
  return undefined;
};

// A wrong expected revision is found before anything is written, so a failing append leaves nothing behind for
// its neighbours and needs no savepoint of its own.
const appendOne = (statements: Statements, { stream, events, expected }: AppendRequest, recordedAt: string, anyMarked: boolean): AppendOutcome => {
  let revision = statements.revision.get(stream)?.revision ?? -1;
  const known = new Map<string, AppendedEvent>();
  let fresh = false;
  for (const event of events) {
    const found = statements.byId.get(stream, event.id);
    if (found === undefined) fresh = true;
    else known.set(event.id, { id: event.id, status: 'duplicate', ...found });
  }
  const mismatch = expected === 'no_stream' ? revision !== -1 : typeof expected === 'number' && revision !== expected;
  if (fresh && mismatch) return E.left(wrongExpectedRevision(stream, expected, revision === -1 ? 'no_stream' : revision));
  const results: AppendedEvent[] = [];
  for (const event of events) {
    const earlier = known.get(event.id);
    if (earlier !== undefined) {
      results.push({ ...earlier, status: 'duplicate' });
      continue;
    }
    revision += 1;
    const stored = (anyMarked && event.personal !== undefined ? redactedForm(statements, stream, event.personal) : undefined) ?? event;
    const { lastInsertRowid } = statements.insert.run(
      event.id,
      stream,
      revision,
      event.type,
      JSON.stringify(stored.data),
      JSON.stringify(stored.metadata),
      recordedAt,
    );
    const appended: AppendedEvent = { id: event.id, status: 'appended', revision, position: Number(lastInsertRowid) };
    known.set(event.id, appended);
    results.push(appended);
  }
  return E.right({ stream, revision, events: results });
};

type SqliteAppends = {
  readonly append: EventStore['append'];
  /** Commits what is queued now (the store closes). */
  readonly flush: () => void;
  /** How much the last commit the store refused would have written, until a commit succeeds (what a probe writes). */
  readonly refusedCommitBytes: () => number;
};

/**
 * The embedded store's appends. Those that arrive in one turn of the event loop share one transaction (group
 * commit): one append's wrong expected revision does not fail its neighbours, every caller's promise settles only
 * after the commit that holds its events, and `committed` is told after each commit. The erasure marks are read
 * inside that transaction, so a mark committed before it redacts what it stores.
 */
export const sqliteAppends = (db: Database.Database, lifecycle: Lifecycle, committed: () => void): SqliteAppends => {
  const statements = prepareStatements(db);

  // Immediate: the write lock is taken before the revisions are read, so two processes sharing the file never
  // decide on a stale snapshot (a deferred transaction would fail its upgrade with SQLITE_BUSY_SNAPSHOT). An empty
  // marks table (the usual case) costs one query per commit.
  const appendBatch = (requests: readonly AppendRequest[], recordedAt: string): void => {
    const anyMarked = statements.anyMarked.get()?.found === 1;
    for (const request of requests) request.outcome = appendOne(statements, request, recordedAt, anyMarked);
  };
  const appendAll = db.transaction(appendBatch).immediate;

  let refusedCommitBytes = 0;

  /**
   * Commits `requests` in one transaction and sets their outcomes; true when it committed. What the file refuses
   * (busy, full) refuses the whole commit; a disk too full for it gets its halves, down to single appends, so that
   * what fits is stored and only what does not is refused.
   */
  const commit = (requests: readonly AppendRequest[], recordedAt: string): boolean => {
    try {
      appendAll(requests, recordedAt);
    } catch (error) {
      const reason = unavailableReason(error);
      if (reason === undefined) throw error;
      if (reason.startsWith('SQLITE_FULL') && requests.length > 1) {
        const half = Math.ceil(requests.length / 2);
        const first = commit(requests.slice(0, half), recordedAt);
        return commit(requests.slice(half), recordedAt) || first;
      }
      refusedCommitBytes = commitBytes(requests);
      for (const request of requests) request.outcome = E.left(storeUnavailable(reason));
      return false;
    }
    refusedCommitBytes = 0;
    return true;
  };

  let queued: QueuedCommit | undefined;
  const flush = (): void => {
    if (queued === undefined) return;
    const { requests } = queued;
    queued = undefined;
    if (commit(requests, new Date().toISOString())) committed();
  };

  return {
    append: async (stream, events, expected = 'any') => {
      if (lifecycle.closed) return E.left(storeUnavailable('store closed'));
      const batch = (queued ??= { requests: [], done: nextTurn().then(flush) });
      const request: AppendRequest = { stream, events, expected };
      batch.requests.push(request);
      await batch.done;
      if (request.outcome === undefined) throw new Error(`the commit of an append to ${stream} gave it no outcome`);
      return request.outcome;
    },
    flush,
    refusedCommitBytes: () => refusedCommitBytes,
  };
};
