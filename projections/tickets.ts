import { entityKey } from '../src/events/entity-id.js';
import type { Ticket } from '../src/events/ticket.js';
import { eraseWrites, type BusinessProjection } from './erasure.js';
import { withErasure } from './fold.js';
import { isRecord } from './is-record.js';
import { clockOf, revise, valuesOf, writeFields, type FieldWrites } from './last-writer-wins.js';
import type { TicketView } from './ticket-view.js';
import { extraFields } from './view-row.js';

/** Last writer wins per field: only ticket.created exists today, but a retry or a re-sent ticket must still converge. */
export type TicketState = { readonly fields: FieldWrites<Ticket> };

const tickets: BusinessProjection<'ticket.created', TicketState, TicketView> = {
  name: 'tickets',
  version: 6,
  handles: ['ticket.created'],
  keysOf: ({ event }) => [entityKey(event.data.ticket.id)],
  initial: () => ({ fields: [] }),
  evolve: (state, projected) => {
    const { data: { ticket }, occurred_at } = projected.event;
    // A null contact_id means "not said": the parser fills it so when neither the ticket nor its contact names one.
    const except = ticket.contact_id === null ? 'contact_id' : undefined;
    const implied = { created_at: ticket.created_at ?? occurred_at };
    return revise(state, { fields: writeFields(state.fields, ticket, clockOf(projected), { except, implied }) });
  },
  view: ({ fields }) => {
    const values = valuesOf(fields);
    if (values.id === undefined) return null;
    const documented = {
      id: values.id,
      contact_id: values.contact_id ?? null,
      subject: values.subject ?? null,
      status: values.status ?? null,
      priority: values.priority ?? null,
      created_at: values.created_at ?? null,
    };
    return { ...documented, ...extraFields(documented, values) };
  },
  isState: (stored): stored is TicketState => isRecord(stored) && Array.isArray(stored['fields']),
};

/** A ticket's subject and unknown fields are its contact's personal data. */
export const ticketsProjection = withErasure(tickets, {
  keysOf: (forget) => forget.tickets.map(entityKey),
  erase: (state, until) => revise(state, { fields: eraseWrites(state.fields, 'ticket', until) }),
});
