import { z } from 'zod';
import { DeliveryOutcome } from '../../projections/delivery-view.js';
import { BookingStatus } from '../events/booking.js';
import { EntityIdText } from '../events/entity-id.js';
import { parseInstant } from '../events/timestamp.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './page.js';

/** The query parameters of lists and lookups, shared by the HTTP API and the CLI (both validate with these). */

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const MinPosition = z.object({
  min_position: z.coerce
    .number()
    .int()
    .nonnegative()
    .optional()
    .describe('answer only once the read model has applied this log position (from an intake response)'),
});

const Paging = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
  cursor: z
    .string()
    .optional()
    .refine((cursor) => cursor === undefined || decodeCursor(cursor) !== undefined, 'not a cursor from a previous page'),
});

export const instant = z
  .string()
  .refine((value) => parseInstant(value) !== undefined, 'expected an ISO-8601 date-time')
  .transform((value) => parseInstant(value) as number);

export const IdParams = z.object({ id: EntityIdText });

export const ContactListQuery = MinPosition.extend({
  tag: z.string().min(1).optional(),
  status: z.string().min(1).optional(),
  type: z.string().min(1).optional(),
  blacklisted: flag.optional(),
  q: z.string().min(1).max(200).optional(),
  include_deleted: flag.optional(),
  with_summary: flag.optional().describe('add each contact\'s summary'),
}).merge(Paging);

export const BookingListQuery = MinPosition.extend({
  status: BookingStatus.optional(),
  contact_id: z.string().min(1).optional(),
  from: instant.optional().describe('starts_at at or after this instant'),
  to: instant.optional().describe('starts_at at or before this instant'),
}).merge(Paging);

export const TicketListQuery = MinPosition.extend({
  status: z.string().min(1).optional(),
  priority: z.string().min(1).optional(),
  contact_id: z.string().min(1).optional(),
}).merge(Paging);

export const DeliveryListQuery = MinPosition.extend({
  event: z.string().min(1).optional().describe('the event name it came with (contact.updated, contact.merged …)'),
  outcome: DeliveryOutcome.optional(),
  entity: z.string().min(1).optional().describe('the entity it is about: contact-42, booking-101, ticket-55'),
  from: instant.optional().describe('received at or after this instant'),
  to: instant.optional().describe('received at or before this instant'),
  q: z.string().min(1).max(200).optional().describe("an event id, or the delivery id of any attempt (SkyLight's dashboard shows them)"),
}).merge(Paging);

/** An event id or a delivery id: a delivery id is the sender's, up to 200 characters (the envelope's bound). */
export const DeliveryParams = z.object({ id: z.string().min(1).max(200) });

/** Time travel on a lookup: read from the log, at a business time or after a stream revision, never both. */
export const AsOf = z.object({
  as_of: instant.optional().describe('the state at this business time (ISO-8601), folded from the log'),
  at_revision: z.coerce.number().int().nonnegative().optional().describe("the state after this revision of the entity's stream"),
});

export const LookupQuery = MinPosition.extend(AsOf.shape).refine(
  (query) => query.as_of === undefined || query.at_revision === undefined,
  { path: ['at_revision'], message: 'as_of and at_revision exclude each other' },
);
