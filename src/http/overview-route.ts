import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountedIntake } from '../intake/outcome-counts.js';
import type { appendedPerHour } from '../overview/appended-per-hour.js';
import { projectionLag, type ProjectionLag } from '../overview/projection-lag.js';
import { quarantineSize } from '../quarantine/quarantine-size.js';
import type { RebuildStatus } from '../runner/rebuild-outdated.js';
import type { Runner } from '../runner/runner.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { Overview, ProblemSchema } from './api-schemas.js';
import { sendStoreUnavailable } from './store-unavailable.js';

export type OverviewDeps = {
  readonly store: EventStore;
  readonly runner: Runner;
  readonly rebuild: () => RebuildStatus;
  readonly intake: Pick<CountedIntake, 'counts' | 'since'>;
  readonly appendedPerHour: ReturnType<typeof appendedPerHour>;
  readonly now: () => Date;
};

/** Lag per distinct checkpoint: projections at the same position share one read of the log. */
const lagsAt = async (store: EventStore, positions: readonly number[], now: Date): Promise<E.Either<EventStoreError, Map<number, ProjectionLag>>> => {
  const lags = new Map<number, ProjectionLag>();
  for (const position of new Set(positions)) {
    const lag = await projectionLag(store, position, now);
    if (E.isLeft(lag)) return lag;
    lags.set(position, lag.right);
  }
  return E.right(lags);
};

/** Everything the console's overview shows, in one request it can poll. */
export const registerOverviewRoute = (app: FastifyInstance, deps: OverviewDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/overview',
    {
      schema: {
        tags: ['operations'],
        summary: 'Log head, checkpoints and lag (events, seconds), rebuild progress, appends per hour, deliveries by outcome, quarantine size',
        response: { 200: Overview, 503: ProblemSchema },
      },
    },
    async (_request, reply) => {
      const now = deps.now();
      const head = await deps.store.headPosition();
      if (E.isLeft(head)) return sendStoreUnavailable(reply, head.left);
      const progress = deps.runner.progress();
      const lags = await lagsAt(deps.store, progress.map((p) => p.position), now);
      if (E.isLeft(lags)) return sendStoreUnavailable(reply, lags.left);
      const perHour = await deps.appendedPerHour(now);
      if (E.isLeft(perHour)) return sendStoreUnavailable(reply, perHour.left);
      const quarantined = await quarantineSize(deps.store);
      if (E.isLeft(quarantined)) return sendStoreUnavailable(reply, quarantined.left);
      const rebuild = deps.rebuild();
      return {
        store: deps.store.kind,
        head_position: head.right,
        projections: progress.map((p) => {
          const lag = lags.right.get(p.position);
          return { ...p, lag_events: lag?.events ?? 0, lag_events_exact: lag?.exact ?? true, lag_seconds: lag?.seconds ?? 0 };
        }),
        rebuild: { ...rebuild, projections: [...rebuild.projections] },
        appended_per_hour: perHour.right,
        deliveries: { since: deps.intake.since, by_outcome: deps.intake.counts() },
        quarantine_size: quarantined.right,
      };
    },
  );
};
