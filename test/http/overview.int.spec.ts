import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerOverviewRoute } from '../../src/http/overview-route.js';
import { appendedPerHour } from '../../src/overview/appended-per-hour.js';
import { storeUnavailable } from '../../src/store/event-store-error.js';
import type { EventStore } from '../../src/store/event-store.js';
import type { Service } from '../../src/server.js';
import type { Projection } from '../../projections/projection.js';
import { projections } from '../../projections/registry.js';
import { bodyOf, nestedExamples } from '../fixtures/reference-deliveries.js';
import { skylightTraffic } from '../support/skylight-traffic.js';
import { projectedHistory, serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { routesApp } from '../support/webhook-app.js';

const invalid = { event: 'contact.created', delivery_id: 'bad-1', timestamp: '2026-03-04T12:00:00Z', data: { contact: { name: 'no id' } } };

describe('GET /overview', () => {
  const dir = makeTempDir('overview');
  let service: Service;
  const deliver = (delivery: unknown) => service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(delivery) });
  const overview = async () => (await service.app.inject({ method: 'GET', url: '/overview' })).json();

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('given a fresh server, then everything is zero and caught up', async () => {
    const o = await overview();
    expect(o).toMatchObject({ store: 'sqlite', head_position: 0, quarantine_size: 0, rebuild: { running: false } });
    expect(Object.values(o.deliveries.by_outcome).every((count) => count === 0)).toBe(true);
    expect(o.appended_per_hour).toHaveLength(24);
    expect(o.projections.map((p: { lag_events: number; lag_seconds: number }) => [p.lag_events, p.lag_seconds])).toEqual([[0, 0], [0, 0], [0, 0], [0, 0], [0, 0]]);
  });

  it('given deliveries (new, a provider retry, an unreadable one), then it counts them by outcome, per hour and in quarantine', async () => {
    const first = nestedExamples[0];
    let position = 0;
    for (const delivery of [first, nestedExamples[1], { ...first, delivery_id: 'retry-of-first' }, invalid]) {
      position = Math.max(position, (await deliver(delivery)).json<{ position: number }>().position);
    }
    // The two events, the retry's attempt (so that the delivery log finds the retry by its id), the quarantined one.
    const head = 4;
    expect(position).toBe(head);
    await service.app.inject({ method: 'GET', url: `/contacts/42?min_position=${head}` });
    const o = await overview();
    expect(o.deliveries.by_outcome).toMatchObject({ appended: 2, duplicate: 1, quarantined: 1, rejected: 0 });
    expect(o.head_position).toBe(head);
    expect(o.quarantine_size).toBe(1);
    expect(o.appended_per_hour.reduce((sum: number, h: { events: number }) => sum + h.events, 0)).toBe(head);
    expect(o.appended_per_hour.at(-1).events).toBe(head);
    expect(o.projections.every((p: { position: number; lag_events: number }) => p.position === head && p.lag_events === 0)).toBe(true);
  });

  it('given a projection behind the log, then it shows the lag the readiness probe computes, in events and seconds', async () => {
    const lagging = await routesApp([
      (instance) =>
        registerOverviewRoute(instance, {
          role: () => 'writer',
          store: service.store,
          standing: async () =>
            E.right({
              head: 9,
              projections: [{ name: 'contacts', version: 1, position: 4, lagEvents: 5, lagExact: true, lagSeconds: 2.5, behindWithoutProgressMs: 0, unreadableEvents: 0 }],
            }),
          rebuild: () => ({ running: true, projections: ['contacts v2'], events: 3, total: 9 }),
          deliveries: { byOutcome: async () => ({ ...(await overview()).deliveries.by_outcome }), since: new Date(0).toISOString() },
          appendedPerHour: appendedPerHour(service.store),
          now: () => new Date(),
        }),
    ]);
    try {
      const o = (await lagging.inject({ method: 'GET', url: '/overview' })).json();
      expect(o.head_position).toBe(9);
      expect(o.projections).toEqual([{ name: 'contacts', version: 1, position: 4, lag_events: 5, lag_events_exact: true, lag_seconds: 2.5 }]);
      expect(o.rebuild).toEqual({ running: true, projections: ['contacts v2'], events: 3, total: 9 });
    } finally {
      await lagging.close();
    }
  });

  it('is documented in the OpenAPI document', async () => {
    const openapi = (await service.app.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/overview', '/quarantine/{revision}/body']));
    expect(Object.keys(openapi.paths)).not.toContain('/console/*');
  });
});

describe('GET /overview after a projection version changed', () => {
  it('reports the start-up rebuild: which projection, and how many of its events it has folded', async () => {
    const dir = makeTempDir('overview-rebuild');
    try {
      await projectedHistory(dir.path, skylightTraffic({ seed: 5, contacts: 20 }));

      const contactsVersion = (projections.find((p) => p.name === 'contacts')?.version ?? 0) + 1;
      const bumped: Projection[] = projections.map((p) => (p.name === 'contacts' ? { ...p, version: contactsVersion } : p));
      const second = await serviceHarness(dir.path, {}, bumped);
      try {
        await second.startupRebuild;
        const { rebuild } = (await second.app.inject({ method: 'GET', url: '/overview' })).json();
        expect(rebuild).toMatchObject({ running: false, projections: [`contacts v${contactsVersion}`] });
        expect(rebuild.events).toBeGreaterThan(0);
        expect(rebuild.events).toBe(rebuild.total);
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });
});

describe('GET /overview while the event store is unavailable', () => {
  let app: FastifyInstance;
  const downStore = { kind: 'sqlite', headPosition: async () => E.left(storeUnavailable('database is locked')) } as unknown as EventStore;
  beforeAll(async () => {
    app = await routesApp([
      (instance) =>
        registerOverviewRoute(instance, {
          role: () => 'writer',
          store: downStore,
          standing: async () => E.left(storeUnavailable('database is locked')),
          rebuild: () => ({ running: false, projections: [], events: 0, total: 0 }),
          deliveries: { byOutcome: async () => { throw new Error('not reached') }, since: new Date(0).toISOString() },
          appendedPerHour: appendedPerHour(downStore),
          now: () => new Date(0),
        }),
    ]);
  });
  afterAll(() => app.close());

  it('answers 503 with a problem that says so', async () => {
    const response = await app.inject({ method: 'GET', url: '/overview' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ title: 'Event store unavailable', detail: expect.stringContaining('database is locked') });
  });
});
