import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { NoParameters } from './api-schemas.js';

/** The Prometheus text format of every metric in the registry (behind API_TOKEN, like the other endpoints). */
export const registerMetricsRoute = (app: FastifyInstance, registry: Registry): void => {
  app.get('/metrics', { schema: { tags: ['operations'], summary: 'Prometheus metrics (text format)', querystring: NoParameters } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
};
