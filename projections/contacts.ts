import type { Contact } from '../src/events/contact.js';
import { PROVIDER_EVENT_TYPES, type ProviderEventType } from '../src/events/domain-event.js';
import { entityKey } from '../src/events/entity-id.js';
import type { Timestamp } from '../src/events/timestamp.js';
import { eraseWrites, type BusinessProjection, type Erasable } from './erasure.js';
import { withErasure } from './fold.js';
import { clockOf, earliest, revise, valuesOf, writeFields, type FieldWrites, type Register } from './last-writer-wins.js';
import type { ContactView } from './contact-view.js';
import { isRecord } from './is-record.js';
import { extraFields } from './view-row.js';

/**
 * A contact's fields by source, most trusted first: its own created/updated events, what its deletion carried, the
 * copies embedded in message/booking/ticket events. Deletions and embedded copies can be stale (the reference's
 * own examples carry a name from before the update above them), so a field shows the first tier that has it;
 * within a tier the last writer wins.
 */
export type ContactState = {
  readonly created: boolean;
  readonly changed: FieldWrites<Contact>;
  readonly deletion: FieldWrites<Contact>;
  readonly embedded: FieldWrites<Contact>;
  /** The tombstone: the earliest deletion, its value the business time as received. Permanent. */
  readonly deleted: Register<Timestamp> | null;
};

/** A contact's fields but this one: `deleted_at` comes from contact.deleted alone, through the tombstone. */
const NOT_A_FIELD = 'deleted_at';

const initial = (): ContactState => ({ created: false, changed: [], deletion: [], embedded: [], deleted: null });

/**
 * A contact.updated dated after the deletion is still recorded (its fields show), but nothing resurrects a
 * deleted contact: the tombstone only ever moves to an earlier deletion.
 */
const evolve: Contacts['evolve'] = (state, projected) => {
  const { event } = projected;
  const clock = clockOf(projected);
  // A booking or a ticket may come without its contact.
  const contact: Contact | undefined = event.data.contact;
  if (contact === undefined) return state;
  switch (event.type) {
    case 'contact.created':
    case 'contact.updated': {
      // updated_at is the business time of the latest change; a creation is the first change.
      const updated_at = contact.updated_at ?? event.occurred_at;
      const times = event.type === 'contact.created' ? { created_at: contact.created_at ?? event.occurred_at, updated_at } : { updated_at };
      const changed = writeFields(state.changed, contact, clock, { except: NOT_A_FIELD, implied: times });
      return revise(state, { changed, created: state.created || event.type === 'contact.created' });
    }
    case 'contact.deleted':
      return revise(state, {
        deletion: writeFields(state.deletion, contact, clock, { except: NOT_A_FIELD }),
        deleted: earliest(state.deleted, { ...clock, value: event.occurred_at }),
      });
    default: {
      // The most frequent write (every message, booking and ticket embeds its contact): no patch object.
      const embedded = writeFields(state.embedded, contact, clock, { except: NOT_A_FIELD });
      return embedded === state.embedded ? state : { ...state, embedded };
    }
  }
};

const view = (state: Erasable<ContactState>): ContactView | null => {
  const values = { ...valuesOf(state.embedded), ...valuesOf(state.deletion), ...valuesOf(state.changed) };
  if (values.id === undefined) return null;
  const documented = {
    id: values.id,
    name: values.name ?? null,
    email: values.email ?? null,
    phone: values.phone ?? null,
    type: values.type ?? null,
    status: values.status ?? null,
    blacklisted: values.blacklisted ?? null,
    tags: values.tags ?? null,
    created_at: values.created_at ?? null,
    updated_at: values.updated_at ?? null,
    deleted_at: state.deleted?.value ?? null,
  };
  const forgotten = state.forgotten === undefined ? {} : { forgotten: state.forgotten.value };
  return { ...documented, ...extraFields(documented, values), deleted: state.deleted !== null, partial: !state.created, ...forgotten };
};

/** Every provider event but ping carries a contact: its own events, and the copies embedded in the others. */
type Handled = Exclude<ProviderEventType, 'ping'>;

const HANDLES = PROVIDER_EVENT_TYPES.filter((type): type is Handled => type !== 'ping');

type Contacts = BusinessProjection<Handled, ContactState, ContactView>;

const contacts: Contacts = {
  name: 'contacts',
  version: 6,
  handles: HANDLES,
  keysOf: ({ event: { data: { contact } } }) => (contact === undefined ? [] : [entityKey(contact.id)]),
  initial,
  evolve,
  view,
  isState: (stored): stored is ContactState => isRecord(stored) && Array.isArray(stored['changed']),
};

/** A contact's name, email, phone and unknown fields are personal, in each of its sources. */
export const contactsProjection = withErasure(contacts, {
  keysOf: (forget) => [entityKey(forget.contact.id)],
  erase: (state, until) =>
    revise(state, {
      changed: eraseWrites(state.changed, 'contact', until),
      deletion: eraseWrites(state.deletion, 'contact', until),
      embedded: eraseWrites(state.embedded, 'contact', until),
    }),
});
