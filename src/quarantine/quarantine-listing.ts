import * as E from 'fp-ts/lib/Either.js';
import type { DataIssue } from '../events/event-data-error.js';
import { pageFill } from '../read-model/page-fill.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import type { QuarantineListQuery } from './quarantine-query.js';
import { quarantineRecords } from './quarantine-records.js';
import { quarantinedDelivery, type QuarantinedDelivery } from './quarantined-delivery.js';
import { retryStatus, type StoredAs } from './retry-status.js';
import { storedPositions, type StoredPosition } from './stored-positions.js';

type QuarantineItem = {
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

type QuarantinePage = { readonly items: QuarantineItem[]; readonly next_after_revision: number | null };

const itemOf = async (
  storedPosition: StoredPosition,
  quarantined: QuarantinedDelivery,
): Promise<E.Either<EventStoreError, QuarantineItem>> => {
  const status = await retryStatus(storedPosition, quarantined);
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

/**
 * What quarantine holds and why, a page at a time in stream order, each with what a retry would do now. A page
 * examines at most `limit` records and ends early once it has revalidated MAX_PAGE_BYTES of kept bodies;
 * `next_after_revision` is set whenever more records follow.
 */
export const listQuarantine = async (
  store: EventStore,
  { after_revision: afterRevision, limit }: QuarantineListQuery,
): Promise<E.Either<EventStoreError, QuarantinePage>> => {
  const storedPosition = storedPositions(store);
  const items: QuarantineItem[] = [];
  const fill = pageFill(limit);
  let last: number | undefined;
  for await (const read of quarantineRecords(store, afterRevision === undefined ? 0 : afterRevision + 1)) {
    if (E.isLeft(read)) return read;
    if (fill.full()) return E.right({ items, next_after_revision: last ?? null });
    last = read.right.revision;
    const quarantined = quarantinedDelivery(read.right);
    fill.add(quarantined?.body.byteLength ?? 0);
    if (quarantined === undefined) continue;
    const item = await itemOf(storedPosition, quarantined);
    if (E.isLeft(item)) return item;
    items.push(item.right);
  }
  return E.right({ items, next_after_revision: null });
};
