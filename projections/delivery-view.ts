import { z } from 'zod';

/** What became of a delivery: stored as an event of its entity, or kept aside (unknown name, or invalid). */
export const DeliveryOutcome = z.enum(['appended', 'unrecognized', 'quarantined']);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/** A further attempt of the same delivery (a provider retry, answered `duplicate`): its own delivery id. */
export const DeliveryAttempt = z.object({ delivery_id: z.string(), received_at: z.string() });
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

/**
 * The delivery log's row: one per delivery the log holds or kept aside, found by its event id or by the delivery id
 * of any attempt. It holds no payload, so no personal data: what an erasure keeps of a delivery is all it shows.
 */
export const DeliveryView = z.object({
  event_id: z.string(),
  event: z.string().nullable().describe('the event name it came with; null for a body that was not an envelope'),
  outcome: DeliveryOutcome,
  stream: z.string().describe('where the log holds it'),
  revision: z.number().int().describe('its place in the stream'),
  position: z.number().describe('its place in the log'),
  entity: z.string().nullable().describe('the contact, booking or ticket it is about (`contact-42`), if any'),
  delivery_id: z.string().nullable().describe('the first attempt\'s delivery id'),
  received_at: z.string().describe('when the first attempt arrived'),
  reason: z.string().nullable().describe('why it was quarantined'),
  attempts: z.array(DeliveryAttempt).describe('further attempts (provider retries), in order of arrival'),
});
export type DeliveryView = z.infer<typeof DeliveryView>;

/** Where a further attempt's delivery id leads: the deliveries it repeated (one, unless a sender reused the id). */
export const AttemptView = z.object({ delivery_id: z.string(), attempt_of: z.array(z.string()) });
export type AttemptView = z.infer<typeof AttemptView>;
