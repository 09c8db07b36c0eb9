import * as E from 'fp-ts/lib/Either.js';
import type { EventStore } from '../store/event-store.js';

/** The store, calling `wake` after each append that committed (for a reader whose connection cannot see it happen). */
export const wakeOnAppend = (store: EventStore, wake: () => void): EventStore => ({
  ...store,
  append: async (stream, events, expectedRevision) => {
    const result = await store.append(stream, events, expectedRevision);
    if (E.isRight(result)) wake();
    return result;
  },
});
