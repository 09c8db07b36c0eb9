import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { listQuarantine } from '../quarantine/quarantine-listing.js';
import { quarantineBody } from '../quarantine/quarantine-body.js';
import { QuarantineListQuery } from '../quarantine/quarantine-query.js';
import { retryQuarantine, type RetryDeps } from '../quarantine/retry-quarantine.js';
import { ProblemSchema, QuarantineBody, QuarantinePage, RetryOutcome } from './api-schemas.js';
import { sendProblem } from './problem.js';
import { sendStoreUnavailable } from './store-unavailable.js';

const problems = { 400: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema };

/**
 * Inspection and replay of what intake set aside. The retry takes its one optional parameter in the query string:
 * the app hands every request body to routes as raw bytes (the webhook needs them), so there is no JSON body here.
 */
export const registerQuarantineRoutes = (app: FastifyInstance, deps: RetryDeps): void => {
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
      return body.right ?? sendProblem(reply, { status: 404, title: 'Not found', detail: `no quarantine revision ${request.params.revision}` });
    },
  );

  api.post(
    '/quarantine/retry',
    {
      schema: {
        tags: ['quarantine'],
        summary: 'Re-validates kept deliveries (all, or one by event_id) and appends those that now pass, once',
        querystring: z.object({ event_id: z.string().min(1).optional().describe('only this quarantined event') }),
        response: { 200: z.object({ outcomes: z.array(RetryOutcome) }), ...problems },
      },
    },
    async (request, reply) => {
      const { event_id: eventId } = request.query;
      const outcomes = await retryQuarantine(deps, eventId);
      if (E.isLeft(outcomes)) return sendStoreUnavailable(reply, outcomes.left);
      if (outcomes.right === undefined) {
        return sendProblem(reply, { status: 404, title: 'Not found', detail: `no quarantined delivery ${eventId ?? ''}` });
      }
      return { outcomes: outcomes.right };
    },
  );
};
