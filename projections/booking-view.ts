import { z } from 'zod';
import { BookingStatus } from '../src/events/booking.js';
import { EntityId } from '../src/events/entity-id.js';
import { Timestamp } from '../src/events/timestamp.js';
import { ExtraFieldsLeftOut } from './view-row.js';

/** An update or a second closing event that came after the booking was closed, and so was not applied. */
export const BookingAnomaly = z.object({ event: z.string(), event_id: z.string(), occurred_at: Timestamp, why: z.string() });
export type BookingAnomaly = z.infer<typeof BookingAnomaly>;

/** The bookings projection's row: its output type, and the API's Booking schema. */
export const BookingView = z.looseObject({
  id: EntityId,
  contact_id: EntityId.nullable(),
  title: z.string().nullable(),
  status: BookingStatus.nullable(),
  starts_at: Timestamp.nullable(),
  ends_at: Timestamp.nullable(),
  notes: z.string().nullable(),
  created_at: Timestamp.nullable(),
  updated_at: Timestamp.nullable(),
  cancelled_at: Timestamp.nullable(),
  completed_at: Timestamp.nullable(),
  extra_fields_left_out: ExtraFieldsLeftOut,
  anomalies: z.array(BookingAnomaly),
  /** No booking.created seen (yet). */
  partial: z.boolean(),
});
export type BookingView = z.infer<typeof BookingView>;
