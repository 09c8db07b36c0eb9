import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';
import { readStreamIfExists } from './read-stream-if-exists.js';

/** Stored events of one stream, as stored, and where the next page starts (null: no more). */
export type StreamHistory = {
  readonly stream: string;
  readonly events: readonly RecordedEvent[];
  readonly next_from_revision: number | null;
};

export type HistoryRange = { readonly from_revision?: number | undefined; readonly limit: number };

/** A stream's raw events in stream order; undefined when the stream does not exist. */
export const streamHistory = async (
  store: EventStore,
  stream: string,
  { from_revision: fromRevision = 0, limit }: HistoryRange,
): Promise<E.Either<EventStoreError, StreamHistory | undefined>> => {
  // One event more than asked says whether there is a next page.
  const read = await readStreamIfExists(store, stream, { fromRevision, limit: limit + 1 });
  if (E.isLeft(read)) return read;
  if (read.right === undefined) return E.right(undefined);
  const events = read.right.slice(0, limit);
  const next = read.right[events.length];
  return E.right({ stream, events, next_from_revision: next === undefined ? null : next.revision });
};
