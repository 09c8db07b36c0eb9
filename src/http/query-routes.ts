import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { contactSummary } from '../read-model/contact-summary.js';
import type { ReadModelQueries } from '../read-model/read-model-queries.js';
import type { Runner } from '../runner/runner.js';
import type { EventStore } from '../store/event-store.js';
import * as E from 'fp-ts/lib/Either.js';
import type { ListRefusal } from '../read-model/read-model-queries.js';
import {
  BookingFacetsQuery,
  BookingListQuery,
  ContactFacetsQuery,
  ContactListQuery,
  IdParams,
  LookupQuery,
  MinPosition,
  TicketFacetsQuery,
  TicketListQuery,
} from '../read-model/query-schemas.js';
import { BookingFacets, BookingView, ContactFacets, ContactSummary, ContactView, ConversationView, pageOf, ProblemSchema, TicketFacets, TicketView } from './api-schemas.js';
import { isTimeTravel, replyBookingAsOf, replyContactAsOf } from './as-of-reply.js';
import type { LogReads } from './log-reads.js';
import { notFound, sendProblem } from './problem.js';
import { awaitPosition } from './read-your-writes.js';

type QueryDeps = {
  readonly queries: ReadModelQueries;
  readonly runner: Runner;
  /** Longest a `min_position` query waits for the read model. */
  readonly minPositionWaitMs: number;
  /** Time travel (`as_of`, `at_revision`) reads the entity's stream from the log, as one of the log reads. */
  readonly store: EventStore;
  readonly logReads: LogReads;
};

/**
 * Lookups by id answer with the view exactly as the runner stored it: the response schema documents it, and the
 * parse, re-validation and re-serialisation of a row our own code wrote would cost more than the rest of the request.
 */
const sendStoredView = (reply: FastifyReply, json: string): FastifyReply =>
  reply.type('application/json; charset=utf-8').serializer((payload) => payload as string).send(json);

const problems = { 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema };

/** Time travel is a log read: beyond MAX_INFLIGHT_LOG_READS at once, 429. */
const lookupProblems = { ...problems, 429: ProblemSchema };

/** A sort the live table cannot give yet (its rebuild brings the column): 503, to be asked again; the other sorts answer. */
const sortUnavailable = (reply: FastifyReply, refusal: ListRefusal): FastifyReply =>
  sendProblem(reply.header('retry-after', '30'), {
    status: 503,
    title: 'Sort not available yet',
    detail: `sort=${refusal.sort} comes with the rebuild of the read model under way; the default order answers meanwhile`,
  });

/** What the query routes share: the deps, and the wait for a `min_position` a query names. */
type QueryRouteDeps = QueryDeps & { readonly applied: (minPosition: number | undefined, reply: FastifyReply) => Promise<boolean> };

const registerContactLookup = (app: FastifyInstance, { queries, store, logReads, applied }: QueryRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/contacts/:id',
    {
      schema: {
        tags: ['contacts'],
        summary: 'A contact: 410 with its tombstone once deleted; as_of / at_revision: as it was then, from the log',
        params: IdParams,
        querystring: LookupQuery,
        response: { 200: ContactView, 410: ContactView, ...lookupProblems },
      },
    },
    async (request, reply) => {
      if (isTimeTravel(request.query)) {
        return logReads(request, reply, (signal) => replyContactAsOf(reply, store, request.params.id, request.query, signal));
      }
      if (!(await applied(request.query.min_position, reply))) return reply;
      const contact = await queries.storedView('contacts', request.params.id);
      if (contact === undefined) return sendProblem(reply, notFound(`no contact ${request.params.id}`));
      return sendStoredView(reply.code(contact.deleted ? 410 : 200), contact.json);
    },
  );
};

const registerContactList = (app: FastifyInstance, { queries, applied }: QueryRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Contacts, filtered, sorted over the whole list, a page at a time (forwards and back)',
        querystring: ContactListQuery,
        response: { 200: pageOf(ContactView.extend({ summary: ContactSummary.optional() })), ...problems },
      },
    },
    async (request, reply) => {
      const { limit, cursor, sort, with_summary: withSummary, min_position: minPosition, ...filters } = request.query;
      if (!(await applied(minPosition, reply))) return reply;
      const listed = await queries.list<'contacts', z.infer<typeof ContactView>>('contacts', filters, { sort, cursor, limit });
      if (E.isLeft(listed)) return sortUnavailable(reply, listed.left);
      const page = listed.right;
      if (withSummary !== true) return page;
      return { ...page, items: await Promise.all(page.items.map(async (c) => ({ ...c, summary: await contactSummary(queries, String(c.id), c.id) }))) };
    },
  );
};

const registerContactSummary = (app: FastifyInstance, { queries, applied }: QueryRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/contacts/:id/summary',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Bookings by status, open tickets, messages and last activity of a contact',
        params: IdParams,
        querystring: MinPosition,
        response: { 200: ContactSummary, ...problems },
      },
    },
    async (request, reply) => {
      if (!(await applied(request.query.min_position, reply))) return reply;
      const contact = await queries.view<z.infer<typeof ContactView>>('contacts', request.params.id);
      if (contact === undefined) return sendProblem(reply, notFound(`no contact ${request.params.id}`));
      return contactSummary(queries, request.params.id, contact.id);
    },
  );
};

const registerContactConversation = (app: FastifyInstance, { queries, applied }: QueryRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/contacts/:id/conversation',
    {
      schema: {
        tags: ['contacts'],
        summary: "A contact's messages; it outlives the contact's deletion",
        params: IdParams,
        querystring: MinPosition,
        response: { 200: ConversationView, ...problems },
      },
    },
    async (request, reply) => {
      if (!(await applied(request.query.min_position, reply))) return reply;
      const conversation = await queries.view<z.infer<typeof ConversationView>>('conversations', request.params.id);
      return conversation ?? sendProblem(reply, notFound(`no conversation with contact ${request.params.id}`));
    },
  );
};

const registerBookingLookup = (app: FastifyInstance, { queries, store, logReads, applied }: QueryRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/bookings/:id',
    {
      schema: {
        tags: ['bookings'],
        summary: 'A booking; as_of / at_revision: as it was then, from the log',
        params: IdParams,
        querystring: LookupQuery,
        response: { 200: BookingView, ...lookupProblems },
      },
    },
    async (request, reply) => {
      if (isTimeTravel(request.query)) {
        return logReads(request, reply, (signal) => replyBookingAsOf(reply, store, request.params.id, request.query, signal));
      }
      if (!(await applied(request.query.min_position, reply))) return reply;
      const stored = await queries.storedView('bookings', request.params.id);
      return stored === undefined ? sendProblem(reply, notFound(`no booking ${request.params.id}`)) : sendStoredView(reply, stored.json);
    },
  );
};

const registerBookingList = (app: FastifyInstance, { queries, applied }: QueryRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/bookings',
    {
      schema: {
        tags: ['bookings'],
        summary: 'Bookings, filtered by status, contact and start time, sorted over the whole list, a page at a time (forwards and back)',
        querystring: BookingListQuery,
        response: { 200: pageOf(BookingView), ...problems },
      },
    },
    async (request, reply) => {
      const { limit, cursor, sort, min_position: minPosition, from, to, ...filters } = request.query;
      if (!(await applied(minPosition, reply))) return reply;
      const listed = await queries.list<'bookings', z.infer<typeof BookingView>>('bookings', { ...filters, from_us: from, to_us: to }, { sort, cursor, limit });
      return E.isLeft(listed) ? sortUnavailable(reply, listed.left) : listed.right;
    },
  );
};

const registerTicketLookup = (app: FastifyInstance, { queries, applied }: QueryRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/tickets/:id',
    {
      schema: { tags: ['tickets'], summary: 'A ticket', params: IdParams, querystring: MinPosition, response: { 200: TicketView, ...problems } },
    },
    async (request, reply) => {
      if (!(await applied(request.query.min_position, reply))) return reply;
      const stored = await queries.storedView('tickets', request.params.id);
      return stored === undefined ? sendProblem(reply, notFound(`no ticket ${request.params.id}`)) : sendStoredView(reply, stored.json);
    },
  );
};

const registerTicketList = (app: FastifyInstance, { queries, applied }: QueryRouteDeps): void => {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/tickets',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Tickets, filtered by status, priority and contact, sorted over the whole list, a page at a time (forwards and back)',
        querystring: TicketListQuery,
        response: { 200: pageOf(TicketView), ...problems },
      },
    },
    async (request, reply) => {
      const { limit, cursor, sort, min_position: minPosition, ...filters } = request.query;
      if (!(await applied(minPosition, reply))) return reply;
      const listed = await queries.list<'tickets', z.infer<typeof TicketView>>('tickets', filters, { sort, cursor, limit });
      return E.isLeft(listed) ? sortUnavailable(reply, listed.left) : listed.right;
    },
  );
};

const FACETS_SUMMARY = 'the values its open-ended fields take among the rows its other filters match, counted (for the filters to offer)';

/** The facets of each list (list-facets.ts), under the list's own filters. */
const registerFacets = (app: FastifyInstance, { queries, applied }: QueryRouteDeps): void => {
  const typed = app.withTypeProvider<ZodTypeProvider>();
  typed.get(
    '/contacts/facets',
    { schema: { tags: ['contacts'], summary: `Contacts: ${FACETS_SUMMARY}`, querystring: ContactFacetsQuery, response: { 200: ContactFacets, ...problems } } },
    async (request, reply) => {
      const { min_position: minPosition, ...filters } = request.query;
      return (await applied(minPosition, reply)) ? queries.facets('contacts', filters) : reply;
    },
  );
  typed.get(
    '/bookings/facets',
    { schema: { tags: ['bookings'], summary: `Bookings: ${FACETS_SUMMARY}`, querystring: BookingFacetsQuery, response: { 200: BookingFacets, ...problems } } },
    async (request, reply) => {
      const { min_position: minPosition, from, to, ...filters } = request.query;
      return (await applied(minPosition, reply)) ? queries.facets('bookings', { ...filters, from_us: from, to_us: to }) : reply;
    },
  );
  typed.get(
    '/tickets/facets',
    { schema: { tags: ['tickets'], summary: `Tickets: ${FACETS_SUMMARY}`, querystring: TicketFacetsQuery, response: { 200: TicketFacets, ...problems } } },
    async (request, reply) => {
      const { min_position: minPosition, ...filters } = request.query;
      return (await applied(minPosition, reply)) ? queries.facets('tickets', filters) : reply;
    },
  );
};

export const registerQueryRoutes = (app: FastifyInstance, deps: QueryDeps): void => {
  const routeDeps: QueryRouteDeps = {
    ...deps,
    applied: (minPosition, reply) => awaitPosition(deps.runner, deps.store, deps.minPositionWaitMs, minPosition, reply),
  };
  registerContactLookup(app, routeDeps);
  registerContactList(app, routeDeps);
  registerContactSummary(app, routeDeps);
  registerContactConversation(app, routeDeps);
  registerBookingLookup(app, routeDeps);
  registerBookingList(app, routeDeps);
  registerTicketLookup(app, routeDeps);
  registerTicketList(app, routeDeps);
  registerFacets(app, routeDeps);
};
