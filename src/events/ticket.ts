import { z } from 'zod';
import { Contact } from './contact.js';
import { EntityId } from './entity-id.js';
import { ownerId } from './owner-id.js';
import { Timestamp } from './timestamp.js';

export const Ticket = z.looseObject({
  id: EntityId,
  contact_id: EntityId.nullish(),
  subject: z.string().nullish(),
  status: z.string().nullish(),
  priority: z.string().nullish(),
  created_at: Timestamp.nullish(),
  updated_at: Timestamp.nullish(),
});
export type Ticket = z.infer<typeof Ticket>;

/** `data` of ticket.created in the nested format. */
export const TicketEventData = z
  .looseObject({ ticket: Ticket, contact: Contact.optional() })
  .transform((data) => ({ ...data, ticket: { ...data.ticket, contact_id: ownerId(data.ticket, data.contact) } }));
export type TicketEventData = z.infer<typeof TicketEventData>;

/** The flat format is undocumented for tickets; the ticket itself (with `contact_id`) is accepted. */
export const FlatTicketEventData = Ticket.transform(
  (ticket): TicketEventData => ({ ticket: { ...ticket, contact_id: ownerId(ticket) } }),
);
