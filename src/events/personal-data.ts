import type { EventType } from './domain-event.js';
import { entityKey, type EntityId } from './entity-id.js';

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
export const redactObject = (kind: PersonalKind, value: unknown): unknown =>
  isObject(value)
    ? Object.fromEntries(Object.entries(value).map(([field, v]) => [field, isPersonalField(kind, field) ? redactValue(v) : v]))
    : value;

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

const sameKey = (value: unknown, key: string): boolean =>
  (typeof value === 'string' || typeof value === 'number') && entityKey(value as EntityId) === key;

/**
 * Whether a JSON value (a delivery's body, read as far as it goes) names the contact: a `contact_id` of it anywhere,
 * a `contact` object with its id, or a contact event whose flat data is the contact.
 */
export const namesContact = (value: unknown, key: string): boolean => {
  if (isObject(value) && typeof value['event'] === 'string' && value['event'].startsWith('contact.') && isObject(value['data'])) {
    if (sameKey(value['data']['id'], key)) return true;
  }
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (Array.isArray(next)) pending.push(...next);
    else if (isObject(next)) {
      if (sameKey(next['contact_id'], key)) return true;
      if (isObject(next['contact']) && sameKey(next['contact']['id'], key)) return true;
      pending.push(...Object.values(next));
    }
  }
  return false;
};
