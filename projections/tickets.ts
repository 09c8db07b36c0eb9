import type { DomainEvent, TicketCreated } from '../src/events/domain-event.js';
import { entityKey, type EntityId } from '../src/events/entity-id.js';
import type { Timestamp } from '../src/events/timestamp.js';
import { clockOf, valuesOf, writeFields, type Registers } from './last-writer-wins.js';
import type { Projection } from './projection.js';
import { viewRow } from './view-row.js';

/** Last writer wins per field: only ticket.created exists today, but a retry or a re-sent ticket must still converge. */
export type TicketState = { readonly fields: Registers };

export type TicketView = {
  readonly id: EntityId;
  readonly contact_id: EntityId | null;
  readonly subject: string | null;
  readonly status: string | null;
  readonly priority: string | null;
  readonly created_at: Timestamp | null;
  readonly [extra: string]: unknown;
};

const FIELDS = ['id', 'contact_id', 'subject', 'status', 'priority', 'created_at'];

const isTicketEvent = (event: DomainEvent): event is TicketCreated => event.type === 'ticket.created';

/** A null contact_id means "not said": the parser fills it so when neither the ticket nor its contact names one. */
const fieldsOf = ({ data: { ticket }, occurred_at }: TicketCreated): Record<string, unknown> => {
  const { contact_id, ...fields } = ticket;
  return { ...fields, ...(contact_id === null ? {} : { contact_id }), created_at: ticket.created_at ?? occurred_at };
};

const evolve: TicketsProjection['evolve'] = (state, projected) => {
  if (!isTicketEvent(projected.event)) return state;
  const fields = writeFields(state.fields, fieldsOf(projected.event), clockOf(projected));
  return fields === state.fields ? state : { fields };
};

const view = ({ fields }: TicketState): TicketView | null =>
  Object.hasOwn(fields, 'id') ? (viewRow(FIELDS, valuesOf(fields)) as TicketView) : null;

type TicketsProjection = Projection<TicketState, TicketView>;

export const ticketsProjection: TicketsProjection = {
  name: 'tickets',
  version: 2,
  handles: ['ticket.created'],
  keysOf: (event) => (isTicketEvent(event) ? [entityKey(event.data.ticket.id)] : []),
  initial: () => ({ fields: {} }),
  evolve,
  view,
};
