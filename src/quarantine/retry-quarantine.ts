import * as E from 'fp-ts/lib/Either.js';
import { appendDelivery, deliveryMetadata } from '../intake/accept-delivery.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { quarantineRecords } from './quarantine-records.js';
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

/** Retries the kept delivery with this quarantine event id; undefined when quarantine holds no such record. */
export const retryQuarantined = async (deps: RetryDeps, eventId: string): Promise<E.Either<EventStoreError, RetryOutcome | undefined>> => {
  for await (const read of quarantineRecords(deps.store, 0)) {
    if (E.isLeft(read)) return read;
    const quarantined = read.right.id === eventId ? quarantinedDelivery(read.right) : undefined;
    if (quarantined !== undefined) return E.right(await retryOne(deps, quarantined));
  }
  return E.right(undefined);
};

/**
 * Retries every kept delivery, in quarantine order, one at a time (never more than a chunk
 * of bodies in memory, the event loop free between records), telling `onOutcome` about each. Stops early, between
 * records, once `stopped()` says so.
 */
export const retryEveryQuarantined = async (
  deps: RetryDeps,
  onOutcome: (outcome: RetryOutcome) => void,
  stopped: () => boolean = () => false,
): Promise<E.Either<EventStoreError, void>> => {
  for await (const read of quarantineRecords(deps.store, 0)) {
    if (E.isLeft(read)) return read;
    if (stopped()) break;
    const quarantined = quarantinedDelivery(read.right);
    if (quarantined !== undefined) onOutcome(await retryOne(deps, quarantined));
  }
  return E.right(undefined);
};
