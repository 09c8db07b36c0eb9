import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, type EventStoreError } from './event-store-error.js';
import type { EventStore } from './event-store.js';

/**
 * What names an event log: the store's kind and its first event (position and id). Wiping EventStoreDB's volume,
 * pointing at another server or switching EVENT_STORE changes it; a backup restored of the same log does not
 * (a position beyond the head tells that case). Undefined while the log is empty.
 */
export const logIdentityOf = async (store: EventStore): Promise<E.Either<EventStoreError, string | undefined>> => {
  try {
    for await (const first of store.readAll({ limit: 1 })) return E.right(`${store.kind}:${first.position}:${first.id}`);
    return E.right(undefined);
  } catch (error) {
    if (error instanceof EventStoreFailure) return E.left(error.error);
    throw error;
  }
};
