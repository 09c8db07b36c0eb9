import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from './problem.js';
import { semaphore } from './semaphore.js';

/** Runs a read of the log for a request, given a signal that aborts when its client goes; or answers 429. */
export type LogReads = <A>(request: FastifyRequest, reply: FastifyReply, read: (signal: AbortSignal) => Promise<A>) => Promise<A | FastifyReply>;

const RETRY_AFTER_S = '1';

/** nginx's status for a request whose client closed the connection first: nobody receives it, but it ends the request. */
const CLIENT_CLOSED_REQUEST = 499;

/**
 * Reads straight from the log (audit, raw history, as-of) walk a whole stream, however long: at most `limit` run at
 * once, and one more is answered 429 with Retry-After at once (a queue would hold its connection and, later, its
 * memory all the same). Each stops at its next event once its client has gone.
 */
export const logReads = (limit: number): LogReads => {
  const places = semaphore(limit);
  return async (request, reply, read) => {
    const release = places.tryAcquire();
    if (release === undefined) {
      reply.header('retry-after', RETRY_AFTER_S);
      return sendProblem(reply, {
        status: 429,
        title: 'Too many reads of the log',
        detail: `at most ${limit} audit, history or as-of reads run at once (MAX_INFLIGHT_LOG_READS); retry later`,
      });
    }
    // Fastify's signal follows the connection from when it is first asked for: a client gone before then is gone.
    const signal = request.raw.destroyed ? AbortSignal.abort() : request.signal;
    try {
      return await read(signal);
    } catch (error) {
      if (!signal.aborted || error !== signal.reason) throw error;
      request.log.info('client closed the connection: read of the log stopped');
      return sendProblem(reply, { status: CLIENT_CLOSED_REQUEST, title: 'Client closed request', detail: 'the read stopped when the client went away' });
    } finally {
      release();
    }
  };
};
