import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, ReadStreamOptions, RecordedEvent } from '../store/event-store.js';

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
