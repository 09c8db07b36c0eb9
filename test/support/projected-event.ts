import * as E from 'fp-ts/lib/Either.js';
import { micros } from '../../projections/last-writer-wins.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import type { EventType } from '../../src/events/domain-event.js';
import { contentEventId, pingEventId } from '../../src/events/canonical-json.js';
import { isEventType, parseEvent } from '../../src/events/parse-event.js';
import type { Timestamp } from '../../src/events/timestamp.js';

/**
 * A delivery's `data` as a projection receives it: read by the real parser, its id derived from its content as
 * intake does (a ping's from its delivery id). Throws when the data does not parse: a bug in the test itself.
 */
export const projectedEvent = (type: EventType, data: unknown, envelopeTimestamp: Timestamp, deliveryId = 'test-delivery'): ProjectedEvent => {
  const parsed = parseEvent(type, data, () => envelopeTimestamp);
  if (E.isLeft(parsed)) throw new Error(`${type} does not parse: ${parsed.left.reason}`);
  const { event, stream } = parsed.right;
  const receivedAt = typeof envelopeTimestamp === 'string' ? envelopeTimestamp : new Date(envelopeTimestamp * 1000).toISOString();
  return {
    id: type === 'ping' ? pingEventId(deliveryId) : contentEventId(type, data),
    micros: micros(event.occurred_at),
    event,
    arrival: { stream, revision: 0, position: 0, delivery_id: deliveryId, received_at: receivedAt },
  };
};

/** A whole delivery (envelope and data), e.g. one of test/fixtures/reference-deliveries.ts. */
export const projectedDelivery = (delivery: { event: string; delivery_id: string; timestamp: Timestamp; data: unknown }): ProjectedEvent => {
  if (!isEventType(delivery.event)) throw new Error(`unknown event ${delivery.event}`);
  return projectedEvent(delivery.event, delivery.data, delivery.timestamp, delivery.delivery_id);
};
