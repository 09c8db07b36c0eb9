import type { FastifyReply } from 'fastify';
import type { Runner } from '../runner/runner.js';
import { sendProblem } from './problem.js';

/**
 * Holds a query until the read model has applied `min_position` (from an intake response), so a client sees its
 * own writes; past the bounded wait it answers 503 with the current lag instead of stale data.
 */
export const awaitPosition = async (
  runner: Runner,
  waitMs: number,
  minPosition: number | undefined,
  reply: FastifyReply,
): Promise<boolean> => {
  if (minPosition === undefined || (await runner.waitFor(minPosition, waitMs))) return true;
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
