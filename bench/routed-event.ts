import * as E from 'fp-ts/lib/Either.js';
import { routeDelivery } from '../src/events/route-delivery.js';
import { deliveryMetadata, skylightHeaders } from '../src/intake/accept-delivery.js';
import { secretFingerprint } from '../src/intake/signature.js';
import type { EventToAppend } from '../src/store/event-store.js';
import type { TrafficDelivery } from '../test/support/skylight-traffic.js';
import { signedDelivery, WEBHOOK_SECRET } from './traffic.js';

/** An event as intake appends it: its stream, and the event with the delivery's metadata. */
export type RoutedEvent = { readonly stream: string; readonly event: EventToAppend };

/** What intake (src/intake/accept-delivery.ts) appends for a signed delivery, without the append. */
export const routedEvent = (delivery: TrafficDelivery): RoutedEvent => {
  const { body, headers } = signedDelivery(delivery);
  const routed = E.toUnion(routeDelivery(body));
  const { stream, ...record } = routed.record;
  const metadata = deliveryMetadata(routed.facts, {
    receivedAt: new Date().toISOString(),
    signature: { status: 'verified', fingerprint: secretFingerprint(WEBHOOK_SECRET) },
    headers: skylightHeaders(headers),
    channel: 'http',
  });
  return { stream, event: { ...record, metadata } };
};

/**
 * The first `count` distinct events of the seeded traffic, routed: a provider retry carries the content of an
 * earlier delivery, so it routes to the same stream and id and the log keeps it once.
 */
export function* firstRoutedEvents(count: number, deliveries: Iterable<TrafficDelivery>): Generator<RoutedEvent> {
  const seen = new Set<string>();
  for (const delivery of deliveries) {
    const routed = routedEvent(delivery);
    const key = `${routed.stream}\n${routed.event.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    yield routed;
    if (seen.size === count) return;
  }
  throw new Error(`the traffic holds fewer than ${count} events`);
}
