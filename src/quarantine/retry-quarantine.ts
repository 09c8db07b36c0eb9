import * as E from 'fp-ts/lib/Either.js';
import { QUARANTINE_STREAM } from '../events/route-delivery.js';
import { appendDelivery } from '../intake/append-delivery.js';
import { deliveryMetadata } from '../intake/delivery-metadata.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { quarantinedDelivery, type QuarantinedDelivery } from './quarantined-delivery.js';
import { revalidate } from './retry-status.js';

export type RetryDeps = { readonly store: EventStore; readonly now: () => Date };

/** What one retry did with one kept delivery. */
export type RetryOutcome = {
  readonly quarantine_event_id: string;
  readonly quarantine_revision: number;
  readonly status: 'appended' | 'duplicate' | 'still_invalid' | 'stream_deleted' | 'unavailable';
  readonly event?: string;
  readonly event_id?: string;
  readonly stream?: string;
  readonly position?: number;
  readonly reason?: string;
};

const PAGE = 500;

/**
 * Re-runs today's validation on the kept bytes and appends what now passes to its own stream. The metadata is the
 * original delivery's: the facts are read again from the very bytes received (delivery id, envelope timestamp,
 * format), receive time, signature check and headers come from the quarantine record; the channel says
 * `quarantine-retry`. The content-derived event id makes a second retry a reported duplicate, never a second copy.
 */
const retryOne = async (deps: RetryDeps, quarantined: QuarantinedDelivery): Promise<RetryOutcome> => {
  const { recorded } = quarantined;
  const base = { quarantine_event_id: recorded.id, quarantine_revision: recorded.revision };
  const now = revalidate(quarantined);
  if (now.status === 'still_invalid') return { ...base, status: 'still_invalid', reason: now.reason };
  const metadata = {
    ...deliveryMetadata(now.routed.facts, {
      receivedAt: quarantined.receivedAt,
      signature: quarantined.signature,
      headers: quarantined.headers,
      channel: 'quarantine-retry',
    }),
    quarantine_event_id: recorded.id,
    retried_at: deps.now().toISOString(),
  };
  const outcome = await appendDelivery(deps.store, now.routed, metadata);
  if (outcome.status === 'appended' || outcome.status === 'duplicate') {
    const { status, event, event_id: eventId, stream, position } = outcome;
    return { ...base, status, event, event_id: eventId, stream, position };
  }
  if (outcome.status === 'stream_deleted') return { ...base, status: 'stream_deleted', reason: outcome.reason };
  return { ...base, status: 'unavailable', reason: 'reason' in outcome ? outcome.reason : outcome.status };
};

/**
 * Retries every kept delivery (or only the one with `eventId`), in quarantine order. Undefined when `eventId`
 * names nothing in quarantine.
 */
export const retryQuarantine = async (
  deps: RetryDeps,
  eventId?: string,
): Promise<E.Either<EventStoreError, RetryOutcome[] | undefined>> => {
  const outcomes: RetryOutcome[] = [];
  for (let fromRevision = 0; ; fromRevision += PAGE) {
    const read = await deps.store.readStream(QUARANTINE_STREAM, { fromRevision, limit: PAGE });
    if (E.isLeft(read)) return read.left.kind === 'stream_not_found' ? E.right(eventId === undefined ? [] : undefined) : read;
    for (const recorded of read.right) {
      const quarantined = eventId === undefined || recorded.id === eventId ? quarantinedDelivery(recorded) : undefined;
      if (quarantined !== undefined) outcomes.push(await retryOne(deps, quarantined));
    }
    if (read.right.length < PAGE || (eventId !== undefined && outcomes.length > 0)) break;
  }
  return E.right(eventId !== undefined && outcomes.length === 0 ? undefined : outcomes);
};
