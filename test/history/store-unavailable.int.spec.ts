import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerHistoryRoutes } from '../../src/http/history-routes.js';
import { logReads } from '../../src/http/log-reads.js';
import { registerQuarantineRoutes } from '../../src/http/quarantine-routes.js';
import { registerReadyRoute } from '../../src/http/ready-route.js';
import { observedStore } from '../../src/metrics/observed-store.js';
import { serviceMetrics } from '../../src/metrics/service-metrics.js';
import { retryJobs } from '../../src/quarantine/retry-job.js';
import { storeUnavailable } from '../../src/store/event-store-error.js';
import type { OpenedStore } from '../../src/store/event-store.js';
import { routesApp } from '../support/webhook-app.js';

/** A store whose reads all fail as a locked or unreachable one does. */
const downStore = {
  kind: 'sqlite',
  readStream: async () => E.left(storeUnavailable('database is locked')),
  headPosition: async () => E.left(storeUnavailable('database is locked')),
  probeWrites: async () => E.left(storeUnavailable('database is locked')),
} as unknown as OpenedStore;

describe('history, quarantine and readiness routes while the event store is unavailable', () => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await routesApp([
      (instance) => registerHistoryRoutes(instance, { store: downStore, logReads: logReads(1) }),
      (instance) =>
        registerQuarantineRoutes(instance, {
          store: downStore,
          now: () => new Date(0),
          jobs: retryJobs({ store: downStore, now: () => new Date(0), onError: () => undefined }),
        }),
      (instance) =>
        registerReadyRoute(instance, {
          role: () => 'writer',
          store: observedStore(downStore, serviceMetrics()),
          standing: async () => E.left(storeUnavailable('database is locked')),
          stallAfterMs: 1000,
        }),
    ]);
  });
  afterAll(() => app.close());

  it.each([
    ['GET', '/contacts/42/audit'],
    ['GET', '/bookings/101/history'],
    ['GET', '/quarantine'],
    ['POST', '/quarantine/retry?event_id=e1'],
    ['POST', '/quarantine/retry-all'],
    ['GET', '/ready'],
  ] as const)('%s %s answers 503 with Retry-After', async (method, url) => {
    const response = await app.inject({ method, url });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.headers['content-type']).toMatch(/problem\+json/);
  });
});
