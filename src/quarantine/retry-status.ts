import * as E from 'fp-ts/lib/Either.js';
import { routeDelivery, type RoutedDelivery } from '../events/route-delivery.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { QuarantinedDelivery } from './quarantined-delivery.js';
import type { StoredPosition } from './stored-positions.js';

/** Where a retried delivery now is. */
export type StoredAs = { readonly stream: string; readonly event_id: string; readonly position: number };

/** Whether a kept delivery still fails today's validation, would pass it, or has been stored since. */
type RetryStatus =
  | { readonly status: 'still_invalid'; readonly reason: string }
  | { readonly status: 'passes_now'; readonly routed: Extract<RoutedDelivery, { outcome: 'event' }> }
  | { readonly status: 'retried'; readonly stored_as: StoredAs };

/** Today's routing of the kept bytes; only a known, valid event can leave quarantine. */
export const revalidate = (quarantined: QuarantinedDelivery): Exclude<RetryStatus, { status: 'retried' }> => {
  const routed = routeDelivery(quarantined.body);
  if (E.isLeft(routed)) return { status: 'still_invalid', reason: routed.left.reason };
  switch (routed.right.outcome) {
    case 'event':
      return { status: 'passes_now', routed: routed.right };
    case 'quarantined':
      return { status: 'still_invalid', reason: routed.right.reason };
    case 'unrecognized':
      return { status: 'still_invalid', reason: `event ${routed.right.record.type} is not known` };
  }
};

/** Revalidates, then looks for the event (by its content-derived id) in the stream it would go to. */
export const retryStatus = async (storedPosition: StoredPosition, quarantined: QuarantinedDelivery): Promise<E.Either<EventStoreError, RetryStatus>> => {
  const now = revalidate(quarantined);
  if (now.status !== 'passes_now') return E.right(now);
  const { stream, id } = now.routed.record;
  const stored = await storedPosition(stream, id);
  if (E.isLeft(stored)) return stored;
  return E.right(stored.right === undefined ? now : { status: 'retried', stored_as: { stream, event_id: id, position: stored.right } });
};
