import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, type EventStoreError } from './event-store-error.js';
import type { EventStore, ReadAllOptions, RecordedEvent } from './event-store.js';

/** A bounded `readAll` as a value: the events, or the store failure the iteration threw. */
export const collectEvents = async (
  store: EventStore,
  options: ReadAllOptions & { readonly limit: number },
): Promise<E.Either<EventStoreError, readonly RecordedEvent[]>> => {
  const events: RecordedEvent[] = [];
  try {
    for await (const event of store.readAll(options)) events.push(event);
  } catch (error) {
    if (error instanceof EventStoreFailure) return E.left(error.error);
    throw error;
  }
  return E.right(events);
};
