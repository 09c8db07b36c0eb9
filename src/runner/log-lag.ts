import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, type EventStoreError } from '../store/event-store-error.js';
import type { EventStore, Position } from '../store/event-store.js';

/** How far a checkpoint is behind the log. */
export type LogLag = {
  /** Events after the checkpoint, counted up to `LAG_COUNT_LIMIT`. */
  readonly events: number;
  /** False when the count stopped at the limit: there are at least that many. */
  readonly eventsExact: boolean;
  /** Age of the oldest event not yet applied (0 when there is none): how stale the read model is. */
  readonly seconds: number;
};

/** Counting costs one read of each event (there is no count of $all), so it stops here. */
export const LAG_COUNT_LIMIT = 100;

/**
 * The lag of a checkpoint in the units an operator reads, the same on both stores. Positions are byte offsets on
 * EventStoreDB (and only happen to count events in the embedded store), so the difference of two positions counts
 * nothing: the events after the checkpoint are read, a bounded number of them.
 */
export const logLag = async (
  store: EventStore,
  checkpoint: Position,
  now: Date,
  limit: number = LAG_COUNT_LIMIT,
): Promise<E.Either<EventStoreError, LogLag>> => {
  let events = 0;
  let oldest: string | undefined;
  try {
    for await (const recorded of store.readAll({ fromPosition: checkpoint, limit })) {
      oldest ??= recorded.recordedAt;
      events += 1;
    }
  } catch (error) {
    if (error instanceof EventStoreFailure) return E.left(error.error);
    throw error;
  }
  const seconds = oldest === undefined ? 0 : Math.max(0, (now.getTime() - Date.parse(oldest)) / 1000);
  return E.right({ events, eventsExact: events < limit, seconds });
};

/** A known total is never below what was done. */
export const atLeast = (done: number, total: number | undefined): number | undefined =>
  total === undefined ? undefined : Math.max(done, total);
