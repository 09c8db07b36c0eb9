import * as E from 'fp-ts/lib/Either.js';
import type { ContactForgottenData } from '../events/contact-forgotten.js';
import type { DomainEvent } from '../events/domain-event.js';
import { entityKey, type EntityId } from '../events/entity-id.js';
import { toMicros, type Timestamp } from '../events/timestamp.js';
import { toProjectedEvent } from '../runner/to-projected-event.js';
import { EventStoreFailure, type EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';

/** Where a contact's personal data is in the log: the streams to rewrite, and what the erasure must cover. */
export type ErasureScope = {
  /** The id as the events carry it (42, not "42"). */
  readonly contactId: EntityId;
  /** The contact's own stream, its conversation, and every booking and ticket stream with an event naming it. */
  readonly streams: readonly string[];
  readonly bookings: readonly string[];
  readonly tickets: readonly string[];
  /** The latest business time among the events of those streams. */
  readonly latest: Timestamp | undefined;
  /** A contact.forgotten already in the log (an earlier, possibly interrupted, run). */
  readonly forgotten: ContactForgottenData | undefined;
};

/** The contacts an event is about: its own, the one it embeds, the owner it names. */
export const contactIdsOf = (event: DomainEvent): EntityId[] => {
  switch (event.type) {
    case 'ping':
      return [];
    case 'booking.created':
    case 'booking.updated':
    case 'booking.cancelled':
    case 'booking.completed':
      return [event.data.booking.contact_id, event.data.contact?.id].filter((id): id is EntityId => id != null);
    case 'ticket.created':
      return [event.data.ticket.contact_id, event.data.contact?.id].filter((id): id is EntityId => id != null);
    default:
      return [event.data.contact.id];
  }
};

const ENTITY_STREAMS = ['contact-', 'conversation-', 'booking-', 'ticket-'];

/** One pass over the entity streams of the log. Undefined when no event names the contact: nothing to erase. */
export const erasureScope = async (store: EventStore, key: string): Promise<E.Either<EventStoreError, ErasureScope | undefined>> => {
  const named = new Set<string>();
  const latestByStream = new Map<string, Timestamp>();
  let contactId: EntityId | undefined;
  let forgotten: ContactForgottenData | undefined;
  try {
    for await (const recorded of store.readAll({ filter: { streamPrefixes: ENTITY_STREAMS } })) {
      const projected = toProjectedEvent(recorded);
      if (E.isLeft(projected) || projected.right === undefined) continue;
      const { event } = projected.right;
      const latest = latestByStream.get(recorded.stream);
      if (latest === undefined || toMicros(event.occurred_at) > toMicros(latest)) latestByStream.set(recorded.stream, event.occurred_at);
      const id = contactIdsOf(event).find((candidate) => entityKey(candidate) === key);
      if (id === undefined) continue;
      named.add(recorded.stream);
      contactId ??= id;
      if (event.type === 'contact.forgotten') forgotten ??= event.data;
    }
  } catch (error) {
    if (error instanceof EventStoreFailure) return E.left(error.error);
    throw error;
  }
  if (contactId === undefined) return E.right(undefined);
  const streams = [...new Set([`contact-${key}`, `conversation-${key}`, ...named])].filter((stream) => latestByStream.has(stream));
  const times = streams.flatMap((stream) => latestByStream.get(stream) ?? []);
  const ids = (prefix: string) => streams.filter((stream) => stream.startsWith(prefix)).map((stream) => stream.slice(prefix.length));
  return E.right({
    contactId,
    streams,
    bookings: ids('booking-'),
    tickets: ids('ticket-'),
    latest: times.reduce<Timestamp | undefined>((a, b) => (a === undefined || toMicros(b) > toMicros(a) ? b : a), undefined),
    forgotten,
  });
};
