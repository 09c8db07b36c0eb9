import type { Contact } from '../src/events/contact.js';
import { EVENT_TYPES, type EventType } from '../src/events/domain-event.js';
import { isPersonalField, redactObject } from '../src/events/personal-data.js';
import { entityKey } from '../src/events/entity-id.js';
import { clockOf, covers, earliest, eraseUntil, latest, valuesOf, writeFields, type Register, type Registers } from './last-writer-wins.js';
import type { ContactView } from './contact-view.js';
import { isRecord } from './is-record.js';
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
  /** The latest erasure (its value: when, why, which); every personal field written up to it is erased. */
  readonly forgotten?: Register | null;
};

const FIELDS = ['id', 'name', 'email', 'phone', 'type', 'status', 'blacklisted', 'tags'].concat(
  ['created_at', 'updated_at', 'deleted_at'],
);

/** A contact's fields but this one: `deleted_at` comes from contact.deleted alone, through the tombstone. */
const NOT_A_FIELD = 'deleted_at';

const initial = (): ContactState => ({ created: false, changed: {}, deletion: {}, embedded: {}, deleted: null });

const personal = (field: string) => isPersonalField('contact', field);

/** Whatever the order, a personal field written before the erasure reads as erased. */
const erased = (state: ContactState): ContactState => {
  const until = state.forgotten;
  if (until == null) return state;
  return revise(state, {
    changed: eraseUntil(state.changed, personal, until),
    deletion: eraseUntil(state.deletion, personal, until),
    embedded: eraseUntil(state.embedded, personal, until),
  });
};

const evolve: ContactsProjection['evolve'] = (state, projected) => erased(evolveFields(state, projected));

/**
 * A contact.updated dated after the deletion is still recorded (its fields show), but nothing resurrects a
 * deleted contact: the tombstone only ever moves to an earlier deletion.
 */
const evolveFields: ContactsProjection['evolve'] = (state, projected) => {
  const { event } = projected;
  const clock = clockOf(projected);
  // A booking or a ticket may come without its contact.
  const said: Contact | undefined = event.data.contact;
  if (said === undefined) return state;
  // Erased before it is compared with what is there, so that the outcome does not depend on the order.
  const contact = covers(state.forgotten, clock) ? (redactObject('contact', said) as Contact) : said;
  switch (event.type) {
    case 'contact.forgotten': {
      const { forgotten_at: at, reason, erasure_id } = event.data;
      return revise(state, { forgotten: latest(state.forgotten, { ...clock, value: { at, reason, erasure_id } }) });
    }
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
    default:
      return revise(state, { embedded: writeFields(state.embedded, contact, clock, { except: NOT_A_FIELD }) });
  }
};

const view = (state: ContactState): ContactView | null => {
  const values = { ...valuesOf(state.embedded), ...valuesOf(state.deletion), ...valuesOf(state.changed) };
  if (!Object.hasOwn(values, 'id')) return null;
  const row = viewRow(FIELDS, { ...values, deleted_at: state.deleted?.value ?? null });
  // Values come from schema-validated payloads, field by field.
  const forgotten = state.forgotten == null ? {} : { forgotten: state.forgotten.value };
  return { ...row, deleted: state.deleted !== null, partial: !state.created, ...forgotten } as ContactView;
};

/** Every event but ping carries a contact: its own events, and the copies embedded in the others. */
type Handled = Exclude<EventType, 'ping'>;

const HANDLES = EVENT_TYPES.filter((type): type is Handled => type !== 'ping');

type ContactsProjection = Projection<Handled, ContactState, ContactView>;

export const contactsProjection: ContactsProjection = {
  name: 'contacts',
  version: 3,
  handles: HANDLES,
  keysOf: ({ data: { contact } }) => (contact === undefined ? [] : [entityKey(contact.id)]),
  initial,
  evolve,
  view,
  isState: (stored): stored is ContactState => isRecord(stored) && isRecord(stored['changed']),
};
