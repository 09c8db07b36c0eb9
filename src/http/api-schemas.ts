import { z } from 'zod';
import { BookingStatus } from '../events/booking.js';
import { EntityId, EntityIdText } from '../events/entity-id.js';
import { parseInstant, Timestamp } from '../events/timestamp.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../read-model/page.js';

/** Query and response schemas of the HTTP API: validation, types and the OpenAPI document come from these. */

const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable();
const ts = nullable(Timestamp);

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

const instant = z
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

export const ContactView = z
  .looseObject({
    id: EntityId,
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    type: z.string().nullable(),
    status: z.string().nullable(),
    blacklisted: z.boolean().nullable(),
    tags: z.array(z.string()).nullable(),
    created_at: ts,
    updated_at: ts,
    deleted_at: ts,
    deleted: z.boolean(),
    partial: z.boolean().describe('no contact.created seen: known only from other events'),
  })
  .meta({ id: 'Contact' });

export const ContactSummary = z
  .object({
    contact_id: EntityId,
    bookings: z.record(z.string(), z.number().int()).describe('count by status'),
    open_tickets: z.number().int(),
    messages: z.number().int(),
    last_activity_at: ts,
  })
  .meta({ id: 'ContactSummary' });

export const BookingAnomaly = z.object({ event: z.string(), event_id: z.string(), occurred_at: Timestamp, why: z.string() });

export const BookingView = z
  .looseObject({
    id: EntityId,
    contact_id: nullable(EntityId),
    title: z.string().nullable(),
    status: nullable(BookingStatus),
    starts_at: ts,
    ends_at: ts,
    notes: z.string().nullable(),
    created_at: ts,
    updated_at: ts,
    cancelled_at: ts,
    completed_at: ts,
    anomalies: z.array(BookingAnomaly),
    partial: z.boolean(),
  })
  .meta({ id: 'Booking' });

export const TicketView = z
  .looseObject({
    id: EntityId,
    contact_id: nullable(EntityId),
    subject: z.string().nullable(),
    status: z.string().nullable(),
    priority: z.string().nullable(),
    created_at: ts,
  })
  .meta({ id: 'Ticket' });

export const MessageView = z.looseObject({
  id: EntityId,
  direction: z.enum(['inbound', 'outbound']).nullable(),
  channel: z.string().nullable(),
  content: z.string().nullable(),
  status: z.string().nullable(),
  sent_at: Timestamp,
});

export const ConversationView = z
  .object({
    contact_id: EntityId,
    messages: z.array(MessageView),
    inbound_count: z.number().int(),
    outbound_count: z.number().int(),
    last_message_at: Timestamp,
    awaiting_reply: z.boolean(),
  })
  .meta({ id: 'Conversation' });

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), next_cursor: z.string().nullable() });

export const ProblemSchema = z
  .looseObject({ type: z.string(), title: z.string(), status: z.number().int(), detail: z.string().optional() })
  .meta({ id: 'Problem' });
