import * as E from 'fp-ts/lib/Either.js';
import type { FastifyReply } from 'fastify';
import { bookingAsOf, contactAsOf } from '../history/as-of-views.js';
import type { PointInTime } from '../history/entity-as-of.js';
import type { EventStore } from '../store/event-store.js';
import { sendProblem } from './problem.js';
import { sendStoreUnavailable } from './store-unavailable.js';

/** True when the lookup asks for the past (`as_of` or `at_revision`) rather than the read model's present. */
export const isTimeTravel = (point: PointInTime): boolean => point.as_of !== undefined || point.at_revision !== undefined;

const notYet = (what: string, id: string) => ({ status: 404, title: 'Not found', detail: `no ${what} ${id} at that point` });

/** A contact at a point in the past: 404 before anything was known, 410 with the tombstone once deleted. */
export const replyContactAsOf = async (reply: FastifyReply, store: EventStore, id: string, point: PointInTime) => {
  const contact = await contactAsOf(store, id, point);
  if (E.isLeft(contact)) return sendStoreUnavailable(reply, contact.left);
  if (contact.right === null) return sendProblem(reply, notYet('contact', id));
  return reply.code(contact.right.deleted ? 410 : 200).send(contact.right);
};

/** A booking at a point in the past; bookings are never deleted (cancelled and completed are states). */
export const replyBookingAsOf = async (reply: FastifyReply, store: EventStore, id: string, point: PointInTime) => {
  const booking = await bookingAsOf(store, id, point);
  if (E.isLeft(booking)) return sendStoreUnavailable(reply, booking.left);
  return booking.right === null ? sendProblem(reply, notYet('booking', id)) : reply.send(booking.right);
};
