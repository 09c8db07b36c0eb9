import type { Contact } from '../src/events/contact.js';
import { EVENT_TYPES, type DomainEvent } from '../src/events/domain-event.js';
import { entityKey, type EntityId } from '../src/events/entity-id.js';
import type { Timestamp } from '../src/events/timestamp.js';
import { clockOf, earliest, valuesOf, writeFields, type Register, type Registers } from './last-writer-wins.js';
import type { Projection } from './projection.js';
import { revise } from './revise.js';
import { viewRow } from './view-row.js';

/**
 * A contact's fields by source, most trusted first: its own created/updated events, what its deletion carried, the
 * copies embedded in message/booking/ticket events. Deletions and embedded copies can be stale (the reference's
 * own examples carry a name from before the update above them), so a field shows the first tier that has it;
 * within a tier the last writer wins.
 */
export type ContactState = {
  readonly created: boolean;
  readonly changed: Registers;
  readonly deletion: Registers;
  readonly embedded: Registers;
  /** The tombstone: the earliest deletion, its value the business time as received. Permanent. */
  readonly deleted: Register | null;
};

export type ContactView = {
  readonly id: EntityId;
  readonly name: string | null;
  readonly email: string | null;
  readonly phone: string | null;
  readonly type: string | null;
  readonly status: string | null;
  readonly blacklisted: boolean | null;
  readonly tags: readonly string[] | null;
  readonly created_at: Timestamp | null;
  readonly updated_at: Timestamp | null;
  readonly deleted_at: Timestamp | null;
  readonly deleted: boolean;
  /** No contact.created seen (yet). */
  readonly partial: boolean;
  readonly [extra: string]: unknown;
};

const FIELDS = ['id', 'name', 'email', 'phone', 'type', 'status', 'blacklisted', 'tags'].concat(
  ['created_at', 'updated_at', 'deleted_at'],
);

/** `deleted_at` comes from contact.deleted alone, through the tombstone. */
const fieldsOf = ({ deleted_at: _deletedAt, ...fields }: Contact): Record<string, unknown> => fields;

const contactOf = (event: DomainEvent): Contact | undefined => (event.type === 'ping' ? undefined : event.data.contact);

const initial = (): ContactState => ({ created: false, changed: {}, deletion: {}, embedded: {}, deleted: null });

/**
 * A contact.updated dated after the deletion is still recorded (its fields show), but nothing resurrects a
 * deleted contact: the tombstone only ever moves to an earlier deletion.
 */
const evolve: ContactsProjection['evolve'] = (state, projected) => {
  const { event } = projected;
  const clock = clockOf(projected);
  const contact = contactOf(event);
  if (contact === undefined) return state;
  switch (event.type) {
    case 'contact.created':
    case 'contact.updated': {
      // updated_at is the business time of the latest change; a creation is the first change.
      const times = { updated_at: contact.updated_at ?? event.occurred_at };
      const created = event.type === 'contact.created' ? { created_at: contact.created_at ?? event.occurred_at } : {};
      const changed = writeFields(state.changed, { ...fieldsOf(contact), ...created, ...times }, clock);
      return revise(state, { changed, created: state.created || event.type === 'contact.created' });
    }
    case 'contact.deleted':
      return revise(state, {
        deletion: writeFields(state.deletion, fieldsOf(contact), clock),
        deleted: earliest(state.deleted, { ...clock, value: event.occurred_at }),
      });
    default:
      return revise(state, { embedded: writeFields(state.embedded, fieldsOf(contact), clock) });
  }
};

const view = (state: ContactState): ContactView | null => {
  const values = { ...valuesOf(state.embedded), ...valuesOf(state.deletion), ...valuesOf(state.changed) };
  if (!Object.hasOwn(values, 'id')) return null;
  const row = viewRow(FIELDS, { ...values, deleted_at: state.deleted?.value ?? null });
  // Values come from schema-validated payloads, field by field.
  return { ...row, deleted: state.deleted !== null, partial: !state.created } as ContactView;
};

type ContactsProjection = Projection<ContactState, ContactView>;

export const contactsProjection: ContactsProjection = {
  name: 'contacts',
  version: 2,
  // Every event but ping carries a contact: its own events, and the copies embedded in the others.
  handles: EVENT_TYPES.filter((type) => type !== 'ping'),
  keysOf: (event) => {
    const contact = contactOf(event);
    return contact === undefined ? [] : [entityKey(contact.id)];
  },
  initial,
  evolve,
  view,
};
