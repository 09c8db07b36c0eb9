import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerReadyRoute } from '../../src/http/ready-route.js';
import { observedStore } from '../../src/metrics/observed-store.js';
import { serviceMetrics } from '../../src/metrics/service-metrics.js';
import type { Service } from '../../src/server.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { createFakeEventStoreDbClient } from '../store/fake-eventstoredb-client.js';
import { eventually } from '../support/eventually.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { routesApp } from '../support/webhook-app.js';

const delivery = (id: number) =>
  JSON.stringify({
    event: 'contact.created',
    delivery_id: `d-${id}`,
    timestamp: '2026-03-04T12:00:00.000000Z',
    data: { contact: { id, name: `Contact ${id}`, created_at: '2026-03-04T12:00:00.000000Z' } },
  });

type Readiness = { status: number; reasons: string[] };

const ready = async (service: Service): Promise<Readiness> => {
  const response = await service.app.inject({ method: 'GET', url: '/ready' });
  const body = response.json() as { reasons?: string[] };
  return { status: response.statusCode, reasons: body.reasons ?? [] };
};

/** Asks /ready until it answers `status` (the runner retries on its own clock). */
const readyBecomes = (service: Service, status: number): Promise<Readiness> =>
  eventually(`/ready answers ${status}`, async () => {
    const answer = await ready(service);
    return answer.status === status ? answer : undefined;
  });

const post = (service: Service, body: string) =>
  service.app.inject({ method: 'POST', url: '/webhooks/skylight', payload: body, headers: { 'content-type': 'application/json' } });

describe('/ready tells the truth about the embedded store and the projections', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let service: Service;
  let blocker: Database.Database | undefined;

  beforeEach(async () => {
    dir = makeTempDir('readiness');
    service = await serviceHarness(dir.path, { STALL_AFTER_MS: '100', LOG_LEVEL: process.env.DEBUG_LOG ?? 'silent' });
  });
  afterEach(async () => {
    if (blocker?.inTransaction === true) blocker.exec('ROLLBACK');
    blocker?.close();
    blocker = undefined;
    await service.close();
    dir.remove();
  });

  it('answers 503 with the reason while another process holds the store locked, and 200 once it lets go', async () => {
    expect(await ready(service)).toEqual({ status: 200, reasons: [] });
    blocker = new Database(join(dir.path, 'events.db'));
    blocker.exec('BEGIN EXCLUSIVE');

    const locked = await ready(service);
    expect(locked.status).toBe(503);
    expect(locked.reasons).toEqual([expect.stringMatching(/^the event store refuses writes \(event store unavailable: SQLITE_BUSY/)]);

    blocker.exec('ROLLBACK');
    expect(await ready(service)).toEqual({ status: 200, reasons: [] });
  });

  it('answers 503 after an append failed, until writes work again', async () => {
    blocker = new Database(join(dir.path, 'events.db'));
    blocker.exec('BEGIN EXCLUSIVE');
    expect((await post(service, delivery(1))).statusCode).toBe(503);
    const failed = await ready(service);
    expect(failed.status).toBe(503);
    expect(failed.reasons).toContainEqual(expect.stringMatching(/^the last append failed \(event store unavailable: SQLITE_BUSY/));

    blocker.exec('ROLLBACK');
    expect(await ready(service)).toEqual({ status: 200, reasons: [] });
  });

  it('answers 503 naming a projection that is behind and makes no progress (its read model locked), 200 once it moves', async () => {
    blocker = new Database(join(dir.path, 'read-model.db'));
    blocker.exec('BEGIN EXCLUSIVE');
    expect((await post(service, delivery(1))).statusCode).toBe(202);

    const stalled = await readyBecomes(service, 503);
    expect(stalled.status).toBe(503);
    expect(stalled.reasons).toContainEqual(expect.stringMatching(/^projection contacts is stalled: 1 events behind, no progress for \d+ ms$/));

    blocker.exec('ROLLBACK');
    expect(await readyBecomes(service, 200)).toEqual({ status: 200, reasons: [] });
  }, 30_000);

  it('names each projection\'s lag as /overview does (lag_events, lag_events_exact)', async () => {
    const behind = (name: string, lagEvents: number, lagExact: boolean) =>
      ({ name, version: 1, position: 4, lagEvents, lagExact, lagSeconds: 2.5, behindWithoutProgressMs: 0, unreadableEvents: 0 });
    const lagging = await routesApp([
      (instance) =>
        registerReadyRoute(instance, {
          role: () => 'writer',
          store: observedStore(service.store, serviceMetrics()),
          standing: async () => E.right({ head: 130, projections: [behind('contacts', 100, false), behind('tickets', 3, true)] }),
          stallAfterMs: 60_000,
        }),
    ]);
    try {
      const response = await lagging.inject({ method: 'GET', url: '/ready' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        status: 'catching_up',
        store: 'sqlite',
        role: 'writer',
        head_position: 130,
        projections: [
          { name: 'contacts', version: 1, position: 4, lag_events: 100, lag_events_exact: false, lag_seconds: 2.5 },
          { name: 'tickets', version: 1, position: 4, lag_events: 3, lag_events_exact: true, lag_seconds: 2.5 },
        ],
      });
    } finally {
      await lagging.close();
    }
  });
});

describe('/ready over EventStoreDB', () => {
  it('answers 503 while the server cannot be reached and 200 once it answers again', async () => {
    const dir = makeTempDir('readiness-esdb');
    const fake = createFakeEventStoreDbClient();
    const service = await serviceHarness(
      dir.path,
      { EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: 'esdb://fake:2113?tls=false' },
      undefined,
      async () => eventStoreDbOverClient(fake.client, { deadlineMs: 500, resubscribe: { initialDelayMs: 10, maxDelayMs: 50 } }),
    );
    try {
      expect((await ready(service)).status).toBe(200);
      fake.down = true;
      const down = await ready(service);
      expect(down.status).toBe(503);
      expect(down.reasons).toEqual([expect.stringMatching(/^the event store cannot be read \(event store unavailable: .*UNAVAILABLE/)]);
      fake.down = false;
      expect(await ready(service)).toEqual({ status: 200, reasons: [] });
    } finally {
      await service.close();
      dir.remove();
    }
  });
});
