import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, Position } from '../store/event-store.js';

const PAGE = 500;

export type StoredPosition = (stream: string, eventId: string) => Promise<E.Either<EventStoreError, Position | undefined>>;

/**
 * Where an event id is stored in a stream, if it is; each stream is read once (a page at a time, keeping only ids)
 * however many kept deliveries point to it, so a listing costs a read per target stream, not per item.
 */
export const storedPositions = (store: EventStore): StoredPosition => {
  const streams = new Map<string, Promise<E.Either<EventStoreError, ReadonlyMap<string, Position>>>>();
  const idsOf = async (stream: string): Promise<E.Either<EventStoreError, ReadonlyMap<string, Position>>> => {
    const ids = new Map<string, Position>();
    for (let fromRevision = 0; ; fromRevision += PAGE) {
      const read = await store.readStream(stream, { fromRevision, limit: PAGE });
      if (E.isLeft(read)) return read.left.kind === 'stream_not_found' ? E.right(ids) : read;
      for (const event of read.right) ids.set(event.id, event.position);
      if (read.right.length < PAGE) return E.right(ids);
    }
  };
  return async (stream, eventId) => {
    const known = streams.get(stream) ?? idsOf(stream);
    streams.set(stream, known);
    return E.map((ids: ReadonlyMap<string, Position>) => ids.get(eventId))(await known);
  };
};
