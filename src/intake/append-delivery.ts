import * as E from 'fp-ts/lib/Either.js';
import type { RejectedDelivery, RoutedDelivery } from '../events/route-delivery.js';
import { describeEventStoreError } from '../store/event-store-error.js';
import type { AppendedEvent, EventStore, JsonObject } from '../store/event-store.js';
import type { IntakeOutcome } from './intake-outcome.js';
import { personalDataOf } from './personal-data-of.js';

const describe = (routed: RoutedDelivery | RejectedDelivery, appended: AppendedEvent): IntakeOutcome => {
  const { record } = routed;
  const common = { event_id: appended.id, stream: record.stream, position: appended.position };
  const duplicate = appended.status === 'duplicate';
  switch (routed.outcome) {
    case 'event':
      return { status: duplicate ? 'duplicate' : 'appended', event: record.type, ...common };
    case 'unrecognized':
      return { status: 'unrecognized', event: record.type, duplicate, ...common };
    case 'quarantined':
      return { status: 'quarantined', reason: routed.reason, duplicate, ...common };
    case 'rejected':
      return { status: 'rejected', reason: routed.reason, event_id: appended.id, position: appended.position };
  }
};

/**
 * Appends a routed delivery to its stream with the given metadata and says what became of it. The event id is
 * derived from the content, so appending the same delivery again stores nothing and reports the original. A delivery
 * about a person whose erasure has begun is stored redacted: the store decides, as it commits (personalDataOf).
 */
export const appendDelivery = async (
  store: EventStore,
  routed: RoutedDelivery | RejectedDelivery,
  metadata: JsonObject,
): Promise<IntakeOutcome> => {
  const { stream, ...event } = routed.record;
  const result = await store.append(stream, [{ ...event, metadata, personal: personalDataOf(routed, metadata) }], 'any');
  if (E.isLeft(result)) {
    const reason = describeEventStoreError(result.left);
    return result.left.kind === 'stream_deleted'
      ? { status: 'stream_deleted', reason, event_id: event.id, stream }
      : { status: 'unavailable', reason };
  }
  const [appended] = result.right.events;
  if (appended === undefined) throw new Error(`store returned no result for the append to ${stream}`);
  return describe(routed, appended);
};
