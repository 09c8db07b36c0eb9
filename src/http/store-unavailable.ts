import type { FastifyReply } from 'fastify';
import { describeEventStoreError, type EventStoreError } from '../store/event-store-error.js';
import { sendProblem } from './problem.js';

/** Routes that read the log answer a store failure as intake does: 503, come back later. */
export const sendStoreUnavailable = (reply: FastifyReply, error: EventStoreError): FastifyReply => {
  reply.header('retry-after', '5');
  return sendProblem(reply, { status: 503, title: 'Event store unavailable', detail: describeEventStoreError(error) });
};
