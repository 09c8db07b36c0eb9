import { bookingsProjection } from './bookings.js';
import { contactsProjection } from './contacts.js';
import { conversationsProjection } from './conversations.js';
import { deliveriesProjection } from './deliveries.js';
import type { Projection } from './projection.js';
import { ticketsProjection } from './tickets.js';

export { bookingsProjection, contactsProjection, conversationsProjection, deliveriesProjection, ticketsProjection };

/** Every projection the runner maintains. Adding one is one file and one line here. */
export const projections: readonly Projection[] = [
  contactsProjection,
  bookingsProjection,
  ticketsProjection,
  conversationsProjection,
  deliveriesProjection,
];
