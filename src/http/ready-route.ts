import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Runner } from '../runner/runner.js';
import type { EventStore } from '../store/event-store.js';
import { ProblemSchema } from './api-schemas.js';
import { sendStoreUnavailable } from './store-unavailable.js';

const Readiness = z.object({
  status: z.enum(['ready', 'catching_up']),
  store: z.enum(['sqlite', 'eventstoredb']),
  head_position: z.number(),
  projections: z.array(z.object({ name: z.string(), version: z.number().int(), position: z.number(), lag: z.number() })),
});

/** The store's head and how far behind it each projection is; 503 while the store cannot be reached. */
export const registerReadyRoute = (app: FastifyInstance, deps: { store: EventStore; runner: Runner }): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/ready',
    { schema: { tags: ['operations'], summary: 'Store head, checkpoints and lag', response: { 200: Readiness, 503: ProblemSchema } } },
    async (_request, reply) => {
      const head = await deps.store.headPosition();
      if (E.isLeft(head)) return sendStoreUnavailable(reply, head.left);
      const projections = deps.runner.progress().map((p) => ({ ...p, lag: Math.max(0, head.right - p.position) }));
      return {
        status: projections.every((p) => p.lag === 0) ? ('ready' as const) : ('catching_up' as const),
        store: deps.store.kind,
        head_position: head.right,
        projections,
      };
    },
  );
};
