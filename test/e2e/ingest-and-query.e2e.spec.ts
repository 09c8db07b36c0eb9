import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldViews } from '../../projections/fold.js';
import { micros } from '../../projections/last-writer-wins.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import { bookingsProjection, contactsProjection, conversationsProjection, ticketsProjection } from '../../projections/registry.js';
import { routeDelivery } from '../../src/events/route-delivery.js';
import { skylightTraffic, type TrafficDelivery } from '../support/skylight-traffic.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

/** What the read model must hold: the pure fold of the distinct events, in generation order. */
const expectedViews = (deliveries: readonly TrafficDelivery[]) => {
  const events = new Map<string, ProjectedEvent>();
  for (const delivery of deliveries) {
    const routed = routeDelivery(Buffer.from(JSON.stringify(delivery)));
    if (E.isRight(routed) && routed.right.outcome === 'event') {
      const { record, event, facts } = routed.right;
      // Where and when it arrived matters to the delivery log alone, which this test does not compare.
      const arrival = { stream: record.stream, revision: 0, position: 0, delivery_id: facts.deliveryId ?? null, received_at: '' };
      events.set(record.id, { id: record.id, micros: micros(event.occurred_at), event, arrival });
    }
  }
  const all = [...events.values()];
  return {
    contacts: foldViews(contactsProjection, all),
    bookings: foldViews(bookingsProjection, all),
    tickets: foldViews(ticketsProjection, all),
    conversations: foldViews(conversationsProjection, all),
  };
};

const postAll = async (url: string, deliveries: readonly TrafficDelivery[], concurrency: number) => {
  const statuses: number[] = [];
  let next = 0;
  let maxPosition = 0;
  const sender = async () => {
    while (next < deliveries.length) {
      const delivery = deliveries[next++];
      const response = await fetch(`${url}/webhooks/skylight`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(delivery) });
      statuses.push(response.status);
      maxPosition = Math.max(maxPosition, ((await response.json()) as { position: number }).position);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, sender));
  return { statuses, maxPosition };
};

describe('a running server fed a few hundred shuffled, duplicated deliveries', () => {
  const dir = makeTempDir('e2e');
  const traffic = skylightTraffic({ seed: 7, contacts: 60 });
  const expected = expectedViews(traffic);
  let server: ServerProcess;
  let maxPosition = 0;

  beforeAll(async () => {
    server = await startServerProcess({ DATA_DIR: dir.path });
    const result = await postAll(server.url, traffic, 8);
    maxPosition = result.maxPosition;
    expect(result.statuses.every((status) => status === 200 || status === 202)).toBe(true);
    expect(result.statuses.filter((s) => s === 200).length).toBeGreaterThan(0);
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    dir.remove();
  });

  const checkEveryEntity = async () => {
    const get = async (path: string) => {
      const response = await fetch(`${server.url}${path}${path.includes('?') ? '&' : '?'}min_position=${maxPosition}`);
      return { status: response.status, body: (await response.json()) as { items?: unknown[] } };
    };
    for (const [key, view] of expected.contacts) {
      const { status, body } = await get(`/contacts/${key}`);
      expect(status, `contact ${key}`).toBe((view as { deleted: boolean }).deleted ? 410 : 200);
      expect(body).toEqual(view);
    }
    for (const [key, view] of expected.bookings) expect((await get(`/bookings/${key}`)).body).toEqual(view);
    for (const [key, view] of expected.tickets) expect((await get(`/tickets/${key}`)).body).toEqual(view);
    for (const [key, view] of expected.conversations) expect((await get(`/contacts/${key}/conversation`)).body).toEqual(view);
    const listed = await get('/contacts?include_deleted=true&limit=500');
    expect(listed.body.items).toHaveLength(expected.contacts.size);
  };

  it('warns at start that it runs without WEBHOOK_SECRET (deliveries unsigned)', () => {
    const warnings = server.output().split('\n').filter((line) => line.includes('"level":40'));
    expect(warnings.some((line) => line.includes('WEBHOOK_SECRET is not set'))).toBe(true);
  });

  it('serves every entity exactly as the pure projections fold the distinct events', async () => {
    expect(expected.contacts.size).toBeGreaterThan(50);
    await checkEveryEntity();
  });

  it('serves the same after a graceful restart, and still recognises duplicates', async () => {
    expect(await server.stop('SIGTERM')).toBe(0);
    server = await startServerProcess({ DATA_DIR: dir.path });
    await checkEveryEntity();
    const again = await postAll(server.url, traffic.slice(0, 20), 4);
    expect(again.statuses.every((status) => status === 200)).toBe(true);
  });
});
