import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listQuarantine } from '../quarantine/quarantine-listing.js';
import { quarantineBody } from '../quarantine/quarantine-body.js';
import { QuarantineListQuery } from '../quarantine/quarantine-query.js';
import type { RetryJobs } from '../quarantine/retry-job.js';
import { retryQuarantined, type RetryDeps } from '../quarantine/retry-quarantine.js';
import { NoParameters, ProblemSchema, QuarantineBody, QuarantinePage, RetryJob, RetryJobConflict, RetryOutcome } from './api-schemas.js';
import { notFound, sendProblem } from './problem.js';
import { sendStoreUnavailable } from './store-unavailable.js';

const problems = { 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema };

type QuarantineRouteDeps = RetryDeps & { readonly jobs: RetryJobs };

/**
 * Inspection and replay of what intake set aside. Retrying all of it is a background job, read for its progress:
 * one request walking a large quarantine would hold memory and the client for as long as it takes. The retry of
 * one delivery takes its parameter in the query string:
 * the app hands every request body to routes as raw bytes (the webhook needs them), so there is no JSON body here.
 */
export const registerQuarantineRoutes = (app: FastifyInstance, deps: QuarantineRouteDeps): void => {
  registerQuarantineReads(app, deps);
  registerRetryRoutes(app, deps);
};

/** What intake kept: the list, and one delivery's bytes. */
const registerQuarantineReads = (app: FastifyInstance, deps: QuarantineRouteDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/quarantine',
    {
      schema: {
        tags: ['quarantine'],
        summary: 'Deliveries kept in quarantine, why, and whether they pass validation now or were retried',
        querystring: QuarantineListQuery,
        response: { 200: QuarantinePage, ...problems },
      },
    },
    async (request, reply) => {
      const page = await listQuarantine(deps.store, request.query);
      return E.isLeft(page) ? sendStoreUnavailable(reply, page.left) : page.right;
    },
  );

  api.get(
    '/quarantine/:revision/body',
    {
      schema: {
        tags: ['quarantine'],
        summary: 'The bytes one kept delivery arrived with: as text when they are UTF-8, else base64',
        params: z.object({ revision: z.coerce.number().int().nonnegative() }),
        querystring: z.object({}),
        response: { 200: QuarantineBody, ...problems },
      },
    },
    async (request, reply) => {
      const body = await quarantineBody(deps.store, request.params.revision);
      if (E.isLeft(body)) return sendStoreUnavailable(reply, body.left);
      return body.right ?? sendProblem(reply, notFound(`no quarantine revision ${request.params.revision}`));
    },
  );
};

/** Retries: of one delivery, at once; of all of them, as a background job read for its progress. */
const registerRetryRoutes = (app: FastifyInstance, deps: QuarantineRouteDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/quarantine/retry',
    {
      schema: {
        tags: ['quarantine'],
        summary: 'Re-validates one kept delivery and appends it if it now passes, once (all of them: POST /quarantine/retry-all)',
        querystring: z.object({ event_id: z.string().min(1).describe('the quarantined event id') }),
        response: { 200: z.object({ outcomes: z.array(RetryOutcome) }), ...problems },
      },
    },
    async (request, reply) => {
      const { event_id: eventId } = request.query;
      const outcome = await retryQuarantined(deps, eventId);
      if (E.isLeft(outcome)) return sendStoreUnavailable(reply, outcome.left);
      if (outcome.right === undefined) return sendProblem(reply, notFound(`no quarantined delivery ${eventId}`));
      return { outcomes: [outcome.right] };
    },
  );

  api.post(
    '/quarantine/retry-all',
    {
      schema: {
        tags: ['quarantine'],
        summary: 'Starts re-validating every kept delivery in the background (one job at a time); GET it for progress',
        querystring: NoParameters,
        response: { 202: RetryJob, 409: RetryJobConflict, ...problems },
      },
    },
    async (_request, reply) => {
      const start = await deps.jobs.start();
      if (E.isLeft(start)) return sendStoreUnavailable(reply, start.left);
      reply.header('location', '/quarantine/retry-all');
      if (!start.right.started) {
        return sendProblem(reply, { status: 409, title: 'A retry is running', detail: 'GET /quarantine/retry-all for its progress', job: start.right.job });
      }
      return reply.code(202).send(start.right.job);
    },
  );

  api.get(
    '/quarantine/retry-all',
    {
      schema: {
        tags: ['quarantine'],
        summary: 'The running retry-all job, or the last one: state, records retried of the total, counts per outcome',
        querystring: NoParameters,
        response: { 200: RetryJob, ...problems },
      },
    },
    async (_request, reply) => {
      const job = deps.jobs.current();
      return job ?? sendProblem(reply, notFound('no retry-all job since the server started'));
    },
  );
};
