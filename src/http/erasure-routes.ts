import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { eraseContact, type EraseDeps } from '../erasure/erase-contact.js';
import { ErasureRecord, listErasures } from '../erasure/erasure-record.js';
import { ForgetRequest } from '../erasure/forget-request.js';
import { IdParams } from '../read-model/query-schemas.js';
import { ProblemSchema } from './api-schemas.js';
import { sendProblem } from './problem.js';
import { sendStoreUnavailable } from './store-unavailable.js';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 503: ProblemSchema };

const ForgetAnswer = z
  .object({
    status: z.enum(['erased', 'already_erased']),
    erasure: ErasureRecord,
    read_model_purged: z.boolean().describe('false: the read model had not applied the forget in time; run it again'),
  })
  .meta({ id: 'ForgetAnswer' });

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
export const registerErasureRoutes = (app: FastifyInstance, deps: EraseDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/contacts/:id/forget',
    {
      schema: {
        tags: ['erasure'],
        summary: "Erases the contact's personal data from the log, the read model and their files; idempotent",
        description: 'Body: {"reason": "..."} (required, kept with the erasure: no personal data in it).',
        params: IdParams,
        response: { 200: ForgetAnswer, ...problems },
      },
    },
    async (request, reply) => {
      const body = forgetRequest(request.body);
      if (E.isLeft(body)) return sendProblem(reply, { status: 400, title: 'Invalid request', detail: body.left });
      const erased = await eraseContact(deps, request.params.id, body.right.reason);
      if (E.isLeft(erased)) return sendStoreUnavailable(reply, erased.left);
      if (erased.right === undefined) return sendProblem(reply, { status: 404, title: 'Not found', detail: `no contact ${request.params.id}` });
      const { status, erasure, read_model_purged } = erased.right;
      return { status, erasure, read_model_purged };
    },
  );

  api.get(
    '/erasures',
    {
      schema: {
        tags: ['erasure'],
        summary: 'Every erasure done: when, why, how many events it rewrote (no personal data)',
        response: { 200: z.object({ items: z.array(ErasureRecord) }), ...problems },
      },
    },
    async (_request, reply) => {
      const records = await listErasures(deps.store);
      return E.isLeft(records) ? sendStoreUnavailable(reply, records.left) : { items: records.right };
    },
  );
};
