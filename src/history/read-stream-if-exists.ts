import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '../store/event-store.js';
import { streamRecords } from './stream-records.js';

/** A stream's events, or undefined when the stream does not exist: for history queries that is an answer, not a failure. */
export const readStreamIfExists = async (
  store: EventStore,
  stream: string,
  options?: ReadStreamOptions,
): Promise<E.Either<EventStoreError, readonly RecordedEvent[] | undefined>> => {
  const read = await store.readStream(stream, options);
  if (E.isLeft(read) && read.left.kind === 'stream_not_found') return E.right(undefined);
  return read;
};

const CHUNK = 16;

/**
 * A whole stream (up to `untilRevision`, when given) for a fold, read a chunk at a time with the event loop free
 * between records, so that a long or heavy stream does not hold other requests; undefined when it does not exist.
 */
export const readWholeStream = async (
  store: EventStore,
  stream: string,
  untilRevision?: number,
): Promise<E.Either<EventStoreError, readonly RecordedEvent[] | undefined>> => {
  const events: RecordedEvent[] = [];
  for await (const read of streamRecords(store, stream, 0, CHUNK)) {
    if (E.isLeft(read)) return read;
    if (untilRevision !== undefined && read.right.revision > untilRevision) break;
    events.push(read.right);
  }
  return events.length > 0 ? E.right(events) : readStreamIfExists(store, stream, { limit: 1 });
};
