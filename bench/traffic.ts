import { signBody } from '../src/intake/signature.js';
import { skylightTraffic, type TrafficDelivery } from '../test/support/skylight-traffic.js';
import type { LoadRequest } from './load.js';

/** The secret every bench server verifies signatures with (the provider's `whsec_` form). */
export const WEBHOOK_SECRET = `whsec_${'3f9a'.repeat(16)}`;

/** One seed for the whole suite: every run of every scenario sees the same traffic. */
export const TRAFFIC_SEED = 20260301;

/** About 7.5 deliveries (6.2 events) per contact with the generator's defaults; start a little above. */
const DELIVERIES_PER_CONTACT = 7;

/**
 * The first `count` deliveries of the seeded traffic (test/support/skylight-traffic.ts, the tests' generator,
 * default shape: shuffled, 20% provider retries), in arrival order.
 */
export const trafficDeliveries = (count: number, seed = TRAFFIC_SEED): TrafficDelivery[] => {
  for (let contacts = Math.ceil(count / DELIVERIES_PER_CONTACT) + 8; ; contacts = Math.ceil(contacts * 1.25)) {
    const traffic = skylightTraffic({ seed, contacts });
    if (traffic.length >= count) return traffic.slice(0, count);
  }
};

const unixSeconds = (timestamp: string | number): number =>
  typeof timestamp === 'number' ? timestamp : Math.floor(Date.parse(timestamp) / 1000);

/** A delivery as the provider sends it: the raw body, its signature and the `X-Skylight-*` headers. */
export const signedDelivery = (delivery: TrafficDelivery): { body: Buffer; headers: Record<string, string> } => {
  const body = Buffer.from(JSON.stringify(delivery));
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'x-skylight-event': delivery.event,
      'x-skylight-delivery': delivery.delivery_id,
      'x-skylight-timestamp': String(unixSeconds(delivery.timestamp)),
      'x-skylight-signature': signBody(WEBHOOK_SECRET, body),
    },
  };
};

export const webhookRequest = (delivery: TrafficDelivery): LoadRequest => ({ method: 'POST', path: '/webhooks/skylight', ...signedDelivery(delivery) });
