import * as E from 'fp-ts/lib/Either.js';
import type { DataIssue } from '../events/event-data-error.js';
import { QUARANTINE_STREAM } from '../events/route-delivery.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import type { QuarantineListQuery } from './quarantine-query.js';
import { quarantinedDelivery, type QuarantinedDelivery } from './quarantined-delivery.js';
import { retryStatus, type StoredAs } from './retry-status.js';

export type QuarantineItem = {
  readonly revision: number;
  readonly position: number;
  readonly event_id: string;
  readonly received_at: string;
  readonly event: string | null;
  readonly delivery_id: string | null;
  readonly reason: string;
  readonly issues: DataIssue[];
  readonly body_bytes: number;
  readonly status: 'still_invalid' | 'passes_now' | 'retried';
  readonly stored_as: StoredAs | null;
};

export type QuarantinePage = { readonly items: QuarantineItem[]; readonly next_after_revision: number | null };

const itemOf = async (store: EventStore, quarantined: QuarantinedDelivery): Promise<E.Either<EventStoreError, QuarantineItem>> => {
  const status = await retryStatus(store, quarantined);
  if (E.isLeft(status)) return status;
  const { recorded, kept } = quarantined;
  return E.right({
    revision: recorded.revision,
    position: recorded.position,
    event_id: recorded.id,
    received_at: quarantined.receivedAt,
    event: kept.event ?? null,
    delivery_id: kept.delivery_id ?? null,
    reason: kept.reason,
    issues: kept.issues,
    // A body too large for the store was kept in part; the size is the one received.
    body_bytes: kept.body_bytes ?? quarantined.body.byteLength,
    status: status.right.status,
    stored_as: status.right.status === 'retried' ? status.right.stored_as : null,
  });
};

/** What quarantine holds and why, a page at a time in stream order, each with what a retry would do now. */
export const listQuarantine = async (
  store: EventStore,
  { after_revision: afterRevision, limit }: QuarantineListQuery,
): Promise<E.Either<EventStoreError, QuarantinePage>> => {
  const read = await store.readStream(QUARANTINE_STREAM, { fromRevision: afterRevision === undefined ? 0 : afterRevision + 1, limit: limit + 1 });
  if (E.isLeft(read)) return read.left.kind === 'stream_not_found' ? E.right({ items: [], next_after_revision: null }) : read;
  const page = read.right.slice(0, limit);
  const items: QuarantineItem[] = [];
  for (const quarantined of page.map(quarantinedDelivery)) {
    if (quarantined === undefined) continue;
    const item = await itemOf(store, quarantined);
    if (E.isLeft(item)) return item;
    items.push(item.right);
  }
  const last = page.at(-1);
  return E.right({ items, next_after_revision: read.right.length > limit && last !== undefined ? last.revision : null });
};
