import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeliveryOutcome } from '../metrics/service-metrics.js';
import type { appendedPerHour } from '../overview/appended-per-hour.js';
import { quarantineSize } from '../quarantine/quarantine-size.js';
import type { LogStanding } from '../runner/projection-standing.js';
import type { WriterRole } from '../read-model/writer-lease.js';
import type { RebuildStatus } from '../runner/rebuild-outdated.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { Overview, ProblemSchema } from './api-schemas.js';
import { projectionLag } from './projection-lag.js';
import { sendStoreUnavailable } from './store-unavailable.js';

type OverviewDeps = {
  readonly store: EventStore;
  /** Head, checkpoints and lag: the same figures as /ready and /metrics. */
  readonly standing: () => Promise<E.Either<EventStoreError, LogStanding>>;
  readonly rebuild: () => RebuildStatus;
  readonly role: () => WriterRole;
  /** Webhook deliveries by outcome, read from the metrics registry, and since when it counts. */
  readonly deliveries: { readonly byOutcome: () => Promise<Record<DeliveryOutcome, number>>; readonly since: string };
  readonly appendedPerHour: ReturnType<typeof appendedPerHour>;
  readonly now: () => Date;
};

/** Everything the console's overview shows, in one request it can poll. */
export const registerOverviewRoute = (app: FastifyInstance, deps: OverviewDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/overview',
    {
      schema: {
        tags: ['operations'],
        summary: 'Log head, checkpoints and lag (events, seconds), rebuild progress, appends per hour, deliveries by outcome, quarantine size',
        querystring: z.object({}),
        response: { 200: Overview, 400: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (_request, reply) => {
      const standing = await deps.standing();
      if (E.isLeft(standing)) return sendStoreUnavailable(reply, standing.left);
      const perHour = await deps.appendedPerHour(deps.now());
      if (E.isLeft(perHour)) return sendStoreUnavailable(reply, perHour.left);
      const quarantined = await quarantineSize(deps.store);
      if (E.isLeft(quarantined)) return sendStoreUnavailable(reply, quarantined.left);
      const rebuild = deps.rebuild();
      return {
        store: deps.store.kind,
        role: deps.role(),
        head_position: standing.right.head,
        projections: standing.right.projections.map(projectionLag),
        rebuild: { ...rebuild, projections: [...rebuild.projections] },
        appended_per_hour: perHour.right,
        deliveries: { since: deps.deliveries.since, by_outcome: await deps.deliveries.byOutcome() },
        quarantine_size: quarantined.right,
      };
    },
  );
};
