import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErasureListing, listErasures } from '../erasure/erasure-record.js';
import { ForgetJob, type ForgetJobs } from '../erasure/forget-job.js';
import type { EventStore } from '../store/event-store.js';
import { ForgetRequest } from '../erasure/forget-request.js';
import { IdParams } from '../read-model/query-schemas.js';
import { ProblemSchema } from './api-schemas.js';
import { notFound, sendProblem } from './problem.js';
import { sendStoreUnavailable } from './store-unavailable.js';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema };

const ForgetJobConflict = ProblemSchema.extend({ job: ForgetJob }).meta({ id: 'ForgetJobConflict' });

type ErasureRouteDeps = { readonly store: EventStore; readonly jobs: ForgetJobs };

/** The app hands bodies to routes as bytes (the webhook needs them): this one is read as JSON here. */
const forgetRequest = (body: unknown): E.Either<string, ForgetRequest> => {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : '');
  } catch {
    return E.left('body: expected a JSON object such as {"reason": "erasure request of 2026-03-04"}');
  }
  const parsed = ForgetRequest.safeParse(json);
  if (parsed.success) return E.right(parsed.data);
  return E.left(parsed.error.issues.map((issue) => `body/${issue.path.join('/')}: ${issue.message}`).join('; '));
};

/** Erasure of a contact's personal data, and the record of every erasure. Registered only with an API token. */
export const registerErasureRoutes = (app: FastifyInstance, deps: ErasureRouteDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/contacts/:id/forget',
    {
      schema: {
        tags: ['erasure'],
        summary: "Starts erasing the contact's personal data from the log, the read model and their files; idempotent",
        description:
          'Body: {"reason": "..."} (required, kept with the erasure: no personal data in it). Answers 202 with the job at once; ' +
          'GET /erasures/job for its progress and outcome. One forget runs at a time: 409 while another runs.',
        params: IdParams,
        response: { 202: ForgetJob, 409: ForgetJobConflict, ...problems },
      },
    },
    async (request, reply) => {
      const body = forgetRequest(request.body);
      if (E.isLeft(body)) return sendProblem(reply, { status: 400, title: 'Invalid request', detail: body.left });
      const start = deps.jobs.start(request.params.id, body.right.reason);
      reply.header('location', '/erasures/job');
      if (!start.started) {
        return sendProblem(reply, { status: 409, title: 'A forget is running', detail: 'GET /erasures/job for its progress', job: start.job });
      }
      return reply.code(202).send(start.job);
    },
  );

  api.get(
    '/erasures/job',
    {
      schema: {
        tags: ['erasure'],
        summary: 'The forget running now, else the last one: its phase, progress and outcome',
        response: { 200: ForgetJob, ...problems },
      },
    },
    async (_request, reply) => deps.jobs.current() ?? sendProblem(reply, notFound('no forget since the server started')),
  );

  api.get(
    '/erasures',
    {
      schema: {
        tags: ['erasure'],
        summary: 'Every erasure done: when, why, how many events it rewrote, which nodes applied it (no personal data)',
        response: { 200: z.object({ items: z.array(ErasureListing) }), ...problems },
      },
    },
    async (_request, reply) => {
      const records = await listErasures(deps.store);
      return E.isLeft(records) ? sendStoreUnavailable(reply, records.left) : { items: records.right };
    },
  );
};
