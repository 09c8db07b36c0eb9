import type { RecordedEvent, Subscription } from './event-store.js';

/**
 * A subscription over a generator of events, closed by `stop` (which must end the generator's wait for the next
 * event) followed by the generator's return. Leaving a for-await over it (break, throw) closes it too: an async
 * generator queues return() behind a pending next(), and a live subscription's next() waits for the next event,
 * so without this a consumer that left between two events would hang until one arrived.
 */
export const subscriptionOf = (events: AsyncGenerator<RecordedEvent>, stop: () => void): Subscription => {
  const close = async (): Promise<void> => {
    stop();
    await events.return(undefined);
  };
  const iterator: AsyncIterableIterator<RecordedEvent> = {
    next: events.next.bind(events),
    return: async () => {
      await close();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return { [Symbol.asyncIterator]: () => iterator, close };
};
