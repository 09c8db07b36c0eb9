import * as E from 'fp-ts/lib/Either.js';
import type { FastifyReply } from 'fastify';
import { bookingAsOf, contactAsOf } from '../history/as-of-views.js';
import type { AsOfAbsent, PointInTime } from '../history/entity-as-of.js';
import type { EventStore } from '../store/event-store.js';
import { notFound, sendProblem, type Problem } from './problem.js';
import { sendStoreUnavailable } from './store-unavailable.js';

/** True when the lookup asks for the past (`as_of` or `at_revision`) rather than the read model's present. */
export const isTimeTravel = (point: PointInTime): boolean => point.as_of !== undefined || point.at_revision !== undefined;

/** The 404 of a lookup in the past that found no state. */
const absentAsOf = (what: string, id: string, result: AsOfAbsent, point: PointInTime): Problem => {
  if (result.kind === 'no_such_revision') {
    return {
      status: 404,
      title: 'No such revision',
      detail: `${what} ${id} has no revision ${point.at_revision} (its last is ${result.lastRevision})`,
      last_revision: result.lastRevision,
    };
  }
  return notFound(`no ${what} ${id} at that point`);
};

/** A contact at a point in the past: 404 before anything was known, 410 with the tombstone once deleted. */
export const replyContactAsOf = async (reply: FastifyReply, store: EventStore, id: string, point: PointInTime, signal: AbortSignal) => {
  const contact = await contactAsOf(store, id, point, signal);
  if (E.isLeft(contact)) return sendStoreUnavailable(reply, contact.left);
  if (contact.right.kind !== 'view') return sendProblem(reply, absentAsOf('contact', id, contact.right, point));
  return reply.code(contact.right.view.deleted ? 410 : 200).send(contact.right.view);
};

/** A booking at a point in the past; bookings are never deleted (cancelled and completed are states). */
export const replyBookingAsOf = async (reply: FastifyReply, store: EventStore, id: string, point: PointInTime, signal: AbortSignal) => {
  const booking = await bookingAsOf(store, id, point, signal);
  if (E.isLeft(booking)) return sendStoreUnavailable(reply, booking.left);
  return booking.right.kind === 'view' ? reply.send(booking.right.view) : sendProblem(reply, absentAsOf('booking', id, booking.right, point));
};
