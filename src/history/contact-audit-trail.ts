import * as E from 'fp-ts/lib/Either.js';
import { auditFold, isContactEvent, type AuditEntry } from '../../projections/contact-audit.js';
import type { EntityId } from '../events/entity-id.js';
import { contactIdsOf } from '../events/personal-data.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { eventsAt, placesInBusinessTime, type EventPlace } from './business-time-order.js';
import { entityStream } from './entity-stream.js';
import type { HistoricEvent } from './historic-events.js';
import { readStreamIfExists } from './read-stream-if-exists.js';

/** The entries come one at a time, each as the stream is read for it: a store failure ends them. */
type ContactAuditTrail = { readonly contact_id: EntityId; readonly entries: AsyncIterable<E.Either<EventStoreError, AuditEntry>> };

/** Which entries: bounds on occurred_at in microseconds (both inclusive), and those after the entry with event id `after`. */
export type AuditWindow = { readonly from?: number | undefined; readonly to?: number | undefined; readonly after?: string | undefined };

/** The id as the events carry it (42, not "42"), like every other view. */
const contactIdOf = (first: HistoricEvent | undefined, key: string): EntityId =>
  (first === undefined ? undefined : contactIdsOf(first.event)[0]) ?? key;

/**
 * Places in business-time order are sorted by micros: the window is a range of them. Folded without entries: those
 * before it (`skipped`); with entries: from `skipped` to `end`. An `after` that is no entry of the window leaves none.
 */
const windowOf = (places: readonly EventPlace[], { from, to, after }: AuditWindow): { skipped: number; end: number } => {
  const first = from === undefined ? 0 : places.findIndex((place) => place.micros >= from);
  const start = first === -1 ? places.length : first;
  const pastEnd = to === undefined ? -1 : places.findIndex((place) => place.micros > to);
  const end = Math.max(start, pastEnd === -1 ? places.length : pastEnd);
  if (after === undefined) return { skipped: start, end };
  const cursor = places.findIndex((place, index) => place.eventId === after && index >= start && index < end);
  return cursor === -1 ? { skipped: end, end } : { skipped: cursor + 1, end };
};

async function* entriesOf(
  store: EventStore,
  key: string,
  places: readonly EventPlace[],
  window: AuditWindow,
  signal: AbortSignal | undefined,
): AsyncGenerator<E.Either<EventStoreError, AuditEntry>, void, undefined> {
  const { skipped, end } = windowOf(places, window);
  const fold = auditFold(key);
  let index = 0;
  for await (const read of eventsAt(store, entityStream('contact', key), places.slice(0, end), signal)) {
    if (E.isLeft(read)) {
      yield read;
      return;
    }
    if (index++ < skipped) fold.skip(read.right);
    else {
      const entry = fold.entry(read.right);
      if (entry !== undefined) yield E.right(entry);
    }
  }
}

/**
 * A contact's audit trail, read from the log, so it outlives the contact's deletion. The window only chooses which
 * entries are given: each entry's `from` values still come from everything before it. The stream is read once for
 * when its events happened, then again in business-time order a few events at a time, so that what is held is
 * the contact's state and the entries the caller keeps, not the stream. Undefined: no such stream.
 */
export const contactAuditTrail = async (
  store: EventStore,
  key: string,
  window: AuditWindow,
  signal?: AbortSignal,
): Promise<E.Either<EventStoreError, ContactAuditTrail | undefined>> => {
  const stream = entityStream('contact', key);
  const read = await placesInBusinessTime(store, stream, isContactEvent, signal);
  if (E.isLeft(read)) return read;
  const { records, first, places } = read.right;
  if (records === 0) {
    const exists = await readStreamIfExists(store, stream, { limit: 1 });
    if (E.isLeft(exists)) return exists;
    if (exists.right === undefined) return E.right(undefined);
  }
  return E.right({ contact_id: contactIdOf(first, key), entries: entriesOf(store, key, places, window, signal) });
};
