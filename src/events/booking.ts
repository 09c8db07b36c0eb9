import { z } from 'zod';
import { Contact } from './contact.js';
import { EntityId } from './entity-id.js';
import { ownerId } from './owner-id.js';
import { Timestamp } from './timestamp.js';

export const BookingStatus = z.enum(['pending', 'confirmed', 'cancelled', 'completed']);
export type BookingStatus = z.infer<typeof BookingStatus>;

/** Field meaning follows the provider's REST booking object; any subset may arrive (updates, cancellations). */
export const Booking = z.looseObject({
  id: EntityId,
  contact_id: EntityId.nullish(),
  booking_type_id: EntityId.nullish(),
  resource_id: EntityId.nullish(),
  title: z.string().nullish(),
  status: BookingStatus.nullish(),
  starts_at: Timestamp.nullish(),
  ends_at: Timestamp.nullish(),
  notes: z.string().nullish(),
  created_at: Timestamp.nullish(),
  updated_at: Timestamp.nullish(),
  cancelled_at: Timestamp.nullish(),
  completed_at: Timestamp.nullish(),
});
export type Booking = z.infer<typeof Booking>;

/** `data` of every booking.* event in the nested format; the contact is the booking's owner. */
export const BookingEventData = z
  .looseObject({ booking: Booking, contact: Contact.optional() })
  .transform((data) => ({ ...data, booking: { ...data.booking, contact_id: ownerId(data.booking, data.contact) } }));
export type BookingEventData = z.infer<typeof BookingEventData>;

/** The flat format is undocumented for bookings; the REST booking object (with `contact_id`) is accepted. */
export const FlatBookingEventData = Booking.transform(
  (booking): BookingEventData => ({ booking: { ...booking, contact_id: ownerId(booking) } }),
);
