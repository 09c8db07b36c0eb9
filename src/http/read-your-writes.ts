import * as E from 'fp-ts/lib/Either.js';
import type { FastifyReply } from 'fastify';
import type { Runner } from '../runner/runner.js';
import type { EventStore } from '../store/event-store.js';
import { sendProblem } from './problem.js';

/**
 * Holds a query until the read model has applied `min_position` (from an intake response), so a client sees its
 * own writes; past the bounded wait it answers 503 with the current lag instead of stale data. A position beyond
 * the log's head cannot have come from an intake response: it answers 400 at once rather than wait for nothing.
 */
export const awaitPosition = async (
  runner: Runner,
  store: EventStore,
  waitMs: number,
  minPosition: number | undefined,
  reply: FastifyReply,
): Promise<boolean> => {
  if (minPosition === undefined || (await runner.waitFor(minPosition, 0))) return true;
  const head = await store.headPosition();
  // With the store unavailable the read model may still catch up with what it has read: wait as usual.
  if (E.isRight(head) && minPosition > head.right) {
    await sendProblem(reply, {
      status: 400,
      title: 'Invalid request',
      detail: `querystring/min_position: position ${minPosition} is beyond the log's head (${head.right}); no event has it yet`,
      head_position: head.right,
    });
    return false;
  }
  if (await runner.waitFor(minPosition, waitMs)) return true;
  reply.header('retry-after', '1');
  await sendProblem(reply, {
    status: 503,
    title: 'Read model behind',
    detail: `position ${minPosition} not applied within ${waitMs} ms`,
    applied_position: runner.appliedPosition(),
    lag: minPosition - runner.appliedPosition(),
  });
  return false;
};
