import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ObservedStore } from '../metrics/observed-store.js';
import type { WriterRole } from '../read-model/writer-lease.js';
import type { LogStanding } from '../runner/projection-standing.js';
import { describeEventStoreError, type EventStoreError } from '../store/event-store-error.js';
import { NoParameters, ProblemSchema, ProjectionLag, Role } from './api-schemas.js';
import { projectionLag } from './projection-lag.js';
import { sendProblem } from './problem.js';

const Readiness = z.object({
  status: z.enum(['ready', 'catching_up']),
  store: z.enum(['sqlite', 'eventstoredb']),
  role: Role,
  head_position: z.number(),
  projections: z.array(ProjectionLag),
});

type ReadyRouteDeps = {
  readonly store: ObservedStore;
  readonly standing: () => Promise<E.Either<EventStoreError, LogStanding>>;
  /** A projection behind the log whose checkpoint has not moved for this long is stalled. */
  readonly stallAfterMs: number;
  /** Why the runner is not running (its worker thread ended and is being started again), if it is not. */
  readonly runnerFailure?: () => string | undefined;
  readonly role: () => WriterRole;
};

/** Why the node should not take traffic now; empty when it should. */
const notReadyReasons = (
  probe: E.Either<EventStoreError, void>,
  appendFailure: { readonly reason: string } | undefined,
  standing: LogStanding,
  stallAfterMs: number,
  runnerFailure: string | undefined,
): string[] => [
  ...(runnerFailure === undefined ? [] : [`the runner is not running: ${runnerFailure}; restarting it`]),
  ...(E.isLeft(probe) ? [`the event store refuses writes (${describeEventStoreError(probe.left)})`] : []),
  ...(appendFailure === undefined ? [] : [`the last append failed (${appendFailure.reason})`]),
  ...standing.projections
    .filter((p) => p.behindWithoutProgressMs > stallAfterMs)
    .map((p) => `projection ${p.name} is stalled: ${p.lagEvents} events behind, no progress for ${Math.round(p.behindWithoutProgressMs)} ms`),
];

/**
 * Readiness, as a load balancer needs it: 503 with the reasons while the store refuses writes (a write probe fails,
 * or the last append failed and no probe has succeeded since), a projection is stalled or the runner is not running;
 * 200 with the store's head and each projection's lag otherwise (catching up is still ready: intake works and queries can wait for a position).
 */
export const registerReadyRoute = (app: FastifyInstance, deps: ReadyRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/ready',
    { schema: { tags: ['operations'], summary: 'Store head, checkpoints and lag', querystring: NoParameters, response: { 200: Readiness, 503: ProblemSchema } } },
    async (_request, reply) => {
      const probe = await deps.store.store.probeWrites();
      if (E.isRight(probe)) deps.store.writesRecovered();
      const standing = await deps.standing();
      const reasons = E.isLeft(standing)
        ? [`the event store cannot be read (${describeEventStoreError(standing.left)})`]
        : notReadyReasons(probe, deps.store.appendFailure(), standing.right, deps.stallAfterMs, deps.runnerFailure?.());
      if (E.isLeft(standing) || reasons.length > 0) {
        reply.header('retry-after', '5');
        return sendProblem(reply, { status: 503, title: 'Not ready', detail: reasons.join('; '), reasons });
      }
      const projections = standing.right.projections.map(projectionLag);
      return {
        status: projections.every((p) => p.lag_events === 0) ? ('ready' as const) : ('catching_up' as const),
        store: deps.store.store.kind,
        role: deps.role(),
        head_position: standing.right.head,
        projections,
      };
    },
  );
};
