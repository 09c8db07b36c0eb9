import { z } from 'zod';
import { EntityId } from './entity-id.js';
import { Timestamp } from './timestamp.js';

/** The engine's own event type: never accepted from a webhook (a delivery by that name is unrecognized). */
export const CONTACT_FORGOTTEN = 'contact.forgotten';

/**
 * `data` of contact.forgotten, written to the contact's stream by an erasure. It names the bookings and tickets of
 * the contact, so that their projections erase their copies too; `forgotten_at` is its business time, never earlier
 * than any event it erases, so that the projections erase exactly what came before it.
 */
export const ContactForgottenData = z.looseObject({
  contact: z.looseObject({ id: EntityId }),
  erasure_id: z.string().min(1),
  reason: z.string(),
  forgotten_at: Timestamp,
  bookings: z.array(EntityId),
  tickets: z.array(EntityId),
});
export type ContactForgottenData = z.infer<typeof ContactForgottenData>;
