import type { TicketCreated } from '../src/events/domain-event.js';
import { entityKey } from '../src/events/entity-id.js';
import { eraseRegisters, withErasure, type BusinessProjection } from './erasure.js';
import { clockOf, valuesOf, writeFields, type Registers } from './last-writer-wins.js';
import { isRecord } from './is-record.js';
import { revise } from './revise.js';
import type { TicketView } from './ticket-view.js';
import { viewRow } from './view-row.js';

/** Last writer wins per field: only ticket.created exists today, but a retry or a re-sent ticket must still converge. */
export type TicketState = { readonly fields: Registers };

const FIELDS = ['id', 'contact_id', 'subject', 'status', 'priority', 'created_at'];

/** A null contact_id means "not said": the parser fills it so when neither the ticket nor its contact names one. */
const fieldsOf = ({ data: { ticket }, occurred_at }: TicketCreated): Record<string, unknown> => {
  const { contact_id, ...fields } = ticket;
  return { ...fields, ...(contact_id === null ? {} : { contact_id }), created_at: ticket.created_at ?? occurred_at };
};

const view = ({ fields }: TicketState): TicketView | null =>
  Object.hasOwn(fields, 'id') ? (viewRow(FIELDS, valuesOf(fields)) as TicketView) : null;

const tickets: BusinessProjection<'ticket.created', TicketState, TicketView> = {
  name: 'tickets',
  version: 4,
  handles: ['ticket.created'],
  keysOf: (event) => [entityKey(event.data.ticket.id)],
  initial: () => ({ fields: {} }),
  evolve: (state, projected) => revise(state, { fields: writeFields(state.fields, fieldsOf(projected.event), clockOf(projected)) }),
  view,
  isState: (stored): stored is TicketState => isRecord(stored) && isRecord(stored['fields']),
};

/** A ticket's subject and unknown fields are its contact's personal data. */
export const ticketsProjection = withErasure(tickets, {
  keysOf: (forget) => forget.tickets.map(entityKey),
  erase: (state, until) => revise(state, { fields: eraseRegisters(state.fields, 'ticket', until) }),
});
