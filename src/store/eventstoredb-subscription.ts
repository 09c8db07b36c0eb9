import { excludeSystemEvents, type AllStreamSubscription } from '@eventstore/db-client';
import { START, type Position, type RecordedEvent, type SubscribeOptions, type Subscription } from './event-store.js';
import { ignore, storeUnavailableFrom, type EventStoreDbClient } from './eventstoredb-client.js';
import type { StoreAvailability } from './store-availability.js';
import { recordedAfter, toReadPosition } from './eventstoredb-records.js';
import { subscriptionOf } from './subscription-of.js';

export type ResubscribeSettings = {
  /** First pause after a lost connection; it doubles with each failure in a row, up to maxDelayMs. */
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Told each time the subscription lost the server and is about to resubscribe (for logs and health). */
  readonly onResubscribe?: ((retry: { reason: string; attempt: number; delayMs: number }) => void) | undefined;
};

const stop = (subscription: AllStreamSubscription): void => {
  // destroy ends a pending read of the iterator; unsubscribe ends the gRPC call.
  subscription.destroy();
  subscription.unsubscribe().catch(ignore);
};

/** One subscription call to $all, after `after`; the server's confirmation tells that it answers. */
const subscribeAfter = (client: EventStoreDbClient, after: Position, availability: StoreAvailability | undefined): AllStreamSubscription => {
  const subscription = client.subscribeToAll({ fromPosition: toReadPosition(after), filter: excludeSystemEvents() });
  // The client emits 'error' itself, also once nobody iterates; unheard, that would crash the process.
  subscription.on('error', ignore);
  subscription.once('confirmation', () => availability?.answered());
  return subscription;
};

/**
 * A catch-up subscription to $all that survives the server: the client does not resubscribe by itself, so when the
 * connection fails (or the server ends the call) this one resubscribes from the last delivered position, after a
 * growing pause, until closed. It never ends on its own and does not throw for an unreachable server: a runner simply
 * waits for the store to come back. Other failures (access denied, a malformed event) are thrown to the iterator.
 * Delivery is in $all order; positions only grow, so an event at or before the last delivered one is never repeated.
 */
export const subscribeResiliently = (
  client: EventStoreDbClient,
  options: SubscribeOptions,
  settings: ResubscribeSettings,
  availability?: StoreAvailability,
): Subscription => {
  let closed = false;
  let current: AllStreamSubscription | undefined;
  let wake = ignore;

  const waitBeforeRetry = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  async function* deliver(): AsyncGenerator<RecordedEvent> {
    let after = options.fromPosition ?? START;
    let failures = 0;
    while (!closed) {
      const subscription = subscribeAfter(client, after, availability);
      current = subscription;
      let reason = 'the server ended the subscription';
      try {
        for await (const { event } of subscription) {
          failures = 0;
          availability?.answered();
          const recorded = recordedAfter(event, undefined, after);
          if (recorded === undefined) continue;
          after = recorded.position;
          yield recorded;
        }
      } catch (error) {
        if (closed) return;
        const unavailable = storeUnavailableFrom(error);
        if (unavailable?.kind !== 'store_unavailable') throw error;
        reason = unavailable.reason;
        availability?.failed(`event store unavailable: ${reason}`);
      } finally {
        stop(subscription);
      }
      if (closed) return;
      failures += 1;
      const delayMs = Math.min(settings.maxDelayMs, settings.initialDelayMs * 2 ** (failures - 1));
      settings.onResubscribe?.({ reason, attempt: failures, delayMs });
      await waitBeforeRetry(delayMs);
    }
  }

  return subscriptionOf(deliver(), () => {
    closed = true;
    wake();
    if (current !== undefined) stop(current);
  });
};

/** The subscriptions an adapter has open, each let go as it closes, so that closing the adapter closes the rest. */
export const openSubscriptions = () => {
  const open = new Set<Subscription>();
  return {
    add: (subscription: Subscription): Subscription => {
      open.add(subscription);
      return {
        [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
        close: async () => {
          open.delete(subscription);
          await subscription.close();
        },
      };
    },
    closeAll: async (): Promise<void> => {
      await Promise.all([...open].map((subscription) => subscription.close()));
      open.clear();
    },
  };
};
