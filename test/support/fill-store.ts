import * as E from 'fp-ts/lib/Either.js';
import { routeDelivery } from '../../src/events/route-delivery.js';
import type { EventStore } from '../../src/store/event-store.js';
import { skylightTraffic } from './skylight-traffic.js';

/**
 * Appends the routed events of seeded traffic straight through the store port (no HTTP): a quick way to give a
 * test or a benchmark a log of realistic size. Returns the number of events stored.
 */
export const fillStore = async (store: EventStore, contacts: number, seed = 1): Promise<number> => {
  const pending: Promise<unknown>[] = [];
  let stored = 0;
  for (const delivery of skylightTraffic({ seed, contacts, retryRate: 0 })) {
    const routed = E.toUnion(routeDelivery(Buffer.from(JSON.stringify(delivery))));
    const { stream, ...event } = routed.record;
    pending.push(
      store.append(stream, [{ ...event, metadata: { delivery_id: delivery.delivery_id, envelope_timestamp: delivery.timestamp } }]).then((result) => {
        if (E.isLeft(result)) throw new Error(`append failed: ${result.left.kind}`);
        if (result.right.events[0]?.status === 'appended') stored += 1;
      }),
    );
    if (pending.length >= 512) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return stored;
};
