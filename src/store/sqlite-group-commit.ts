import type Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { storeUnavailable, type EventStoreError } from './event-store-error.js';
import type { AppendResult } from './event-store.js';
import { sqliteAppend, type AppendRequest } from './sqlite-append.js';
import type { SqliteErasureMarks } from './sqlite-erasure-marks.js';
import { unavailableReason } from './sqlite-errors.js';

export type PendingAppend = AppendRequest & {
  readonly resolve: (result: E.Either<EventStoreError, AppendResult>) => void;
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
  const append = sqliteAppend(db, marks);

  // How much the last commit the store refused would have written, until a commit succeeds (what a probe writes).
  let refusedCommitBytes = 0;

  /**
   * Commits `batch` in one transaction and settles its appends; true when it committed. A disk too full for the whole
   * batch gets its halves, down to single appends, so that what fits is stored and only what does not is refused.
   */
  const commit = (batch: readonly PendingAppend[], recordedAt: string): boolean => {
    let outcomes: E.Either<EventStoreError, AppendResult>[];
    try {
      outcomes = append(batch, recordedAt);
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
