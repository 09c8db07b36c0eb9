import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../store/event-store.js';

/**
 * The store, calling `wake` after each append that committed, for a reader whose connection cannot see it happen:
 * only the embedded store needs this (EventStoreDB pushes appends to every subscription), so another is returned as is.
 */
export const wakeOnAppend = (store: EventStore, wake: () => void): EventStore =>
  store.kind !== 'sqlite'
    ? store
    : {
        ...store,
        append: async (stream, events, expectedRevision) => {
          const result = await store.append(stream, events, expectedRevision);
          if (E.isRight(result)) wake();
          return result;
        },
      };
