import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { readStreamIfExists } from '../history/read-stream-if-exists.js';
import type { ListRefusal, ReadModelQueries } from '../read-model/read-model-queries.js';
import { DeliveryListQuery, DeliveryParams, MinPosition } from '../read-model/query-schemas.js';
import type { Runner } from '../runner/runner.js';
import type { EventStore } from '../store/event-store.js';
import { DeliveryView, pageOf, ProblemSchema, StoredEvent } from './api-schemas.js';
import type { LogReads } from './log-reads.js';
import { notFound, sendProblem } from './problem.js';
import { awaitPosition } from './read-your-writes.js';
import { sendStoreUnavailable } from './store-unavailable.js';
import { storedEvent } from './stored-event.js';

type DeliveryRouteDeps = {
  readonly queries: ReadModelQueries;
  readonly runner: Runner;
  readonly minPositionWaitMs: number;
  /** A delivery's raw event is read from the log, as one of the log reads. */
  readonly store: EventStore;
  readonly logReads: LogReads;
};

const problems = { 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema };

/** The delivery log's one order (its sort key: newest first) is in every table of it: a refusal is a bug. */
const listed = <A>(page: E.Either<ListRefusal, A>): A => {
  if (E.isLeft(page)) throw new Error(`the delivery log refused its own order: sort=${page.left.sort}`);
  return page.right;
};

type Delivery = z.infer<typeof DeliveryView>;

/** What the routes share: the deps, the wait for a `min_position`, and one delivery found by any of its ids. */
type Shared = DeliveryRouteDeps & {
  readonly applied: (minPosition: number | undefined, reply: FastifyReply) => Promise<boolean>;
  readonly find: (id: string) => Promise<Delivery | undefined>;
};

const registerDeliveryList = (app: FastifyInstance, { queries, applied }: Shared): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: "Deliveries the log holds or kept aside, newest first; q finds one by event id or any attempt's delivery id",
        querystring: DeliveryListQuery,
        response: { 200: pageOf(DeliveryView), ...problems },
      },
    },
    async (request, reply) => {
      const { limit, cursor, sort, min_position: minPosition, from, to, ...filters } = request.query;
      if (!(await applied(minPosition, reply))) return reply;
      return listed(await queries.list<'deliveries', Delivery>('deliveries', { ...filters, from_us: from, to_us: to }, { sort, cursor, limit }));
    },
  );
};

const registerDeliveryLookup = (app: FastifyInstance, { applied, find }: Shared): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/deliveries/:id',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'One delivery, by its event id or by the delivery id of any attempt (a retry answered duplicate too)',
        params: DeliveryParams,
        querystring: MinPosition,
        response: { 200: DeliveryView, ...problems },
      },
    },
    async (request, reply) => {
      if (!(await applied(request.query.min_position, reply))) return reply;
      return (await find(request.params.id)) ?? sendProblem(reply, notFound(`no delivery ${request.params.id}`));
    },
  );
};

const registerDeliveryEvent = (app: FastifyInstance, { store, logReads, applied, find }: Shared): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/deliveries/:id/event',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'The raw stored event of one delivery, with its metadata, from the log',
        params: DeliveryParams,
        querystring: MinPosition,
        response: { 200: StoredEvent, ...problems, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      if (!(await applied(request.query.min_position, reply))) return reply;
      const delivery = await find(request.params.id);
      if (delivery === undefined) return sendProblem(reply, notFound(`no delivery ${request.params.id}`));
      return logReads(request, reply, async () => {
        const read = await readStreamIfExists(store, delivery.stream, { fromRevision: delivery.revision, limit: 1 });
        if (E.isLeft(read)) return sendStoreUnavailable(reply, read.left);
        const [event] = read.right ?? [];
        // Gone from there: the log was rewritten (an EventStoreDB erasure moves events) and the index not yet.
        if (event?.id !== delivery.event_id) return sendProblem(reply, notFound(`event ${delivery.event_id} is no longer at ${delivery.stream}@${delivery.revision}`));
        return storedEvent(event);
      });
    },
  );
};

/**
 * The delivery log, from its index in the read model (the deliveries projection): what arrived and what was kept
 * aside, newest first, and one delivery by its event id or by the delivery id of any of its attempts.
 */
export const registerDeliveryRoutes = (app: FastifyInstance, deps: DeliveryRouteDeps): void => {
  const shared: Shared = {
    ...deps,
    applied: (minPosition, reply) => awaitPosition(deps.runner, deps.store, deps.minPositionWaitMs, minPosition, reply),
    // A delivery id reused for several events (never by SkyLight) finds the newest.
    find: async (id) => listed(await deps.queries.list<'deliveries', Delivery>('deliveries', { q: id }, { sort: 'id', limit: 1 })).items[0],
  };
  registerDeliveryList(app, shared);
  registerDeliveryLookup(app, shared);
  registerDeliveryEvent(app, shared);
};
