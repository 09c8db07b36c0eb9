import { entityKey } from '../events/entity-id.js';
import { contactIdsOf, REDACTED, redactEventData, streamsNamed } from '../events/personal-data.js';
import type { RejectedDelivery, RoutedDelivery } from '../events/route-delivery.js';
import { keptBody, streamsNamedByBody, withoutBody } from '../erasure/kept-body.js';

type Routed = RoutedDelivery | RejectedDelivery;

/** The streams a delivery is about: an event its own and its contacts', a kept delivery whatever its body names. */
export const deliveryAbout = (routed: Routed): readonly string[] => {
  switch (routed.outcome) {
    case 'event':
      return [routed.record.stream, ...contactIdsOf(routed.event).map((id) => `contact-${entityKey(id)}`)];
    case 'unrecognized':
      return streamsNamed({ event: routed.record.type, data: routed.record.data });
    default:
      return streamsNamedByBody(keptBody(routed.record.data));
  }
};

/** What the store keeps of a delivery instead, when it is about a person whose erasure has begun. */
export const redactedDelivery = (routed: Routed): unknown => {
  switch (routed.outcome) {
    case 'event':
      return redactEventData(routed.event.type, routed.record.data);
    case 'unrecognized':
      return { redacted: REDACTED };
    default:
      return withoutBody(routed.record.data);
  }
};

