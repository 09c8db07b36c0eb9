import type { TicketCreated } from '../src/events/domain-event.js';
import { entityKey } from '../src/events/entity-id.js';
import { isPersonalField, redactObject } from '../src/events/personal-data.js';
import { clockOf, covers, eraseUntil, latest, valuesOf, writeFields, type Register, type Registers } from './last-writer-wins.js';
import { isRecord } from './is-record.js';
import type { Projection } from './projection.js';
import type { TicketView } from './ticket-view.js';
import { viewRow } from './view-row.js';

/** Last writer wins per field: only ticket.created exists today, but a retry or a re-sent ticket must still converge. */
export type TicketState = {
  readonly fields: Registers;
  /** The erasure of the ticket's contact: every personal field written up to it reads as erased. */
  readonly forgotten?: Register | null;
};

const FIELDS = ['id', 'contact_id', 'subject', 'status', 'priority', 'created_at'];

/** A null contact_id means "not said": the parser fills it so when neither the ticket nor its contact names one. */
const fieldsOf = ({ data: { ticket }, occurred_at }: TicketCreated): Record<string, unknown> => {
  const { contact_id, ...fields } = ticket;
  return { ...fields, ...(contact_id === null ? {} : { contact_id }), created_at: ticket.created_at ?? occurred_at };
};

const personal = (field: string) => isPersonalField('ticket', field);

const evolve: TicketsProjection['evolve'] = (state, projected) => {
  const { event } = projected;
  const clock = clockOf(projected);
  if (event.type === 'contact.forgotten') {
    const forgotten = latest(state.forgotten, { ...clock, value: null });
    const fields = eraseUntil(state.fields, personal, forgotten);
    return forgotten === state.forgotten && fields === state.fields ? state : { fields, forgotten };
  }
  const said = fieldsOf(event);
  // Erased before it is compared with what is there, so that the outcome does not depend on the order.
  const fields = writeFields(state.fields, covers(state.forgotten, clock) ? (redactObject('ticket', said) as typeof said) : said, clock);
  return fields === state.fields ? state : { ...state, fields };
};

const view = ({ fields }: TicketState): TicketView | null =>
  Object.hasOwn(fields, 'id') ? (viewRow(FIELDS, valuesOf(fields)) as TicketView) : null;

const HANDLES = ['ticket.created', 'contact.forgotten'] as const;

type TicketsProjection = Projection<(typeof HANDLES)[number], TicketState, TicketView>;

export const ticketsProjection: TicketsProjection = {
  name: 'tickets',
  version: 3,
  handles: HANDLES,
  keysOf: (event) => (event.type === 'contact.forgotten' ? event.data.tickets.map(entityKey) : [entityKey(event.data.ticket.id)]),
  initial: () => ({ fields: {} }),
  evolve,
  view,
  isState: (stored): stored is TicketState => isRecord(stored) && isRecord(stored['fields']),
};
