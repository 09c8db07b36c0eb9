import type { z } from 'zod';
import { Booking } from './booking.js';
import { Contact } from './contact.js';
import type { DomainEvent, EventType } from './domain-event.js';
import { entityKey, type EntityId } from './entity-id.js';
import { Message } from './message.js';
import { Ticket } from './ticket.js';

/** What an erased value reads as, wherever it was: in the log, in the read model, in every answer. */
export const REDACTED = '[redacted]';

/**
 * The fields that are not personal data, per object; every other field is (the schemas' unknown fields too). A
 * contact keeps its id, kind, status, flags, tags and times; a message what it was, not what it said; a booking or a
 * ticket its state machine, not its title, notes or subject.
 */
const KEPT = {
  contact: new Set(['id', 'type', 'status', 'blacklisted', 'is_blacklist', 'tags', 'created_at', 'updated_at', 'deleted_at']),
  message: new Set(['id', 'contact_id', 'direction', 'channel', 'status', 'sent_at', 'message_type', 'message_by', 'source', 'created_at']),
  booking: new Set(['id', 'contact_id', 'booking_type_id', 'resource_id', 'status', 'starts_at', 'ends_at']).add('created_at')
    .add('updated_at').add('cancelled_at').add('completed_at'),
  ticket: new Set(['id', 'contact_id', 'status', 'priority', 'created_at', 'updated_at']),
} as const;

export type PersonalKind = keyof typeof KEPT;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A value erased: null stays null (it says nothing), anything else becomes the marker. Idempotent. */
export const redactValue = (value: unknown): unknown => (value === null || value === undefined ? value : REDACTED);

/** Whether a field of that kind of object is personal data. */
export const isPersonalField = (kind: PersonalKind, field: string): boolean => !KEPT[kind].has(field);

/** The object with every personal field erased; absent fields stay absent, so a redacted update still says nothing. */
const redactObject = (kind: PersonalKind, value: unknown): unknown =>
  isObject(value)
    ? Object.fromEntries(Object.entries(value).map(([field, v]) => [field, isPersonalField(kind, field) ? redactValue(v) : v]))
    : value;

/** An object of that kind, as the schemas read it. */
export type PersonalObject<K extends PersonalKind> = {
  readonly contact: Contact;
  readonly message: Message;
  readonly booking: Booking;
  readonly ticket: Ticket;
}[K];

/** Some fields of each kind of object, read by its schema: what erased fields are read again by. */
const FIELDS_OF: { readonly [K in PersonalKind]: z.ZodType<Partial<PersonalObject<K>>> } = {
  contact: Contact.partial(),
  message: Message.partial(),
  booking: Booking.partial(),
  ticket: Ticket.partial(),
};

/**
 * Fields of an object of that kind with the personal ones erased, read again by the kind's schema, so that they
 * keep its types (a personal field is text, or not one the schema names). Data the schema refuses once erased is
 * a bug: it throws.
 */
export const redactFields = <K extends PersonalKind>(kind: K, fields: Partial<PersonalObject<K>>): Partial<PersonalObject<K>> =>
  FIELDS_OF[kind].parse(redactObject(kind, fields));

const NESTED_KEY: Readonly<Record<string, PersonalKind>> = { contact: 'contact', message: 'message', booking: 'booking', ticket: 'ticket' };

const kindOf = (type: EventType): PersonalKind | undefined => {
  const prefix = type.split('.')[0] ?? '';
  return Object.hasOwn(NESTED_KEY, prefix) ? NESTED_KEY[prefix] : undefined;
};

/**
 * The `data` of a stored provider event with the personal data of its contact erased, in either payload format:
 * the nested format's entity and embedded contact field by field, any other top-level field whole; the flat format
 * is the entity itself. Idempotent: redacting twice gives the first result.
 */
export const redactEventData = (type: EventType, data: unknown): unknown => {
  const kind = kindOf(type);
  if (kind === undefined || !isObject(data)) return data;
  if (!isObject(data[kind])) return redactObject(kind, data);
  return Object.fromEntries(
    Object.entries(data).map(([field, value]) => {
      if (field === kind) return [field, redactObject(kind, value)];
      if (field === 'contact') return [field, redactObject('contact', value)];
      return [field, redactValue(value)];
    }),
  );
};

const idOf = (value: unknown): string | undefined =>
  typeof value === 'string' || typeof value === 'number' ? entityKey(value as EntityId) : undefined;

/** Field → the stream prefix of the entity whose id it holds. */
const ID_FIELDS: Readonly<Record<string, string>> = { contact_id: 'contact-', booking_id: 'booking-', ticket_id: 'ticket-' };
/** Nested object → the stream prefix of the entity it is. */
const ENTITY_OBJECTS: Readonly<Record<string, string>> = { contact: 'contact-', booking: 'booking-', ticket: 'ticket-' };

/**
 * The entity streams a JSON value (a delivery's body, read as far as it goes) names: a `contact_id`, `booking_id`
 * or `ticket_id` anywhere, a `contact`, `booking` or `ticket` object with its id, and the entity of a flat
 * contact, booking or ticket event (its data's own id). What an erasure uses to tie a kept body to a person.
 */
export const streamsNamed = (value: unknown): string[] => {
  const named = new Set<string>();
  if (isObject(value) && typeof value['event'] === 'string' && isObject(value['data'])) {
    const prefix = ENTITY_OBJECTS[value['event'].split('.')[0] ?? ''];
    const id = idOf(value['data']['id']);
    if (prefix !== undefined && id !== undefined && !isObject(value['data'][prefix.slice(0, -1)])) named.add(`${prefix}${id}`);
  }
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    // One at a time: a spread of a large array would exceed the number of arguments a call takes.
    if (Array.isArray(next)) for (const item of next) pending.push(item);
    else if (isObject(next)) {
      for (const [field, prefix] of Object.entries(ID_FIELDS)) {
        const id = idOf(next[field]);
        if (id !== undefined) named.add(`${prefix}${id}`);
      }
      for (const [field, prefix] of Object.entries(ENTITY_OBJECTS)) {
        const entity = next[field];
        const id = isObject(entity) ? idOf(entity['id']) : undefined;
        if (id !== undefined) named.add(`${prefix}${id}`);
      }
      for (const value of Object.values(next)) pending.push(value);
    }
  }
  return [...named];
};

const ID_IN_TEXT = /"(contact_id|booking_id|ticket_id|id)"\s*:\s*"?(\d{1,128})\b/g;

/**
 * The entity streams a body that is not JSON may name: every number written as the value of an id field. Which
 * entity a bare `"id"` belongs to cannot be told without the structure, so it names all three: such a body is
 * erased with any of them, rather than kept whole beside a person it might be about.
 */
export const streamsNamedInText = (text: string): string[] => {
  const named = new Set<string>();
  for (const [, field, id] of text.matchAll(ID_IN_TEXT)) {
    const prefix = field === undefined ? undefined : ID_FIELDS[field];
    for (const stream of prefix === undefined ? ['contact-', 'booking-', 'ticket-'] : [prefix]) named.add(`${stream}${id ?? ''}`);
  }
  return [...named];
};

/** The contacts an event is about: its own, the one it embeds, the owner it names. */
export const contactIdsOf = (event: DomainEvent): EntityId[] => {
  switch (event.type) {
    case 'ping':
    case 'delivery.unrecognized':
    case 'delivery.quarantined':
    case 'delivery.attempted':
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
