import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const [created, updated] = nestedExamples;
/** SkyLight's retry of contact.created: the same event under a new delivery id, answered `duplicate`. */
const retry = { ...created, delivery_id: '0b1e6f0a-0001-4d6a-8d0a-0000000000ff' };
const merged = { event: 'contact.merged', delivery_id: 'merge-0001', timestamp: '2026-03-04T12:30:00.000000Z', data: { contact_id: 42, into: 43 } };
const mergedRetry = { ...merged, delivery_id: 'merge-0002' };
const invalid = { event: 'contact.updated', delivery_id: 'invalid-0001', timestamp: '2026-03-04T12:40:00.000000Z', data: { contact: { id: 42, blacklisted: 'yes' } } };

type Delivery = { event_id: string; event: string | null; outcome: string; delivery_id: string | null; entity: string | null; attempts: { delivery_id: string }[] };

describe('GET /deliveries: the delivery log, from its index in the read model', () => {
  const dir = makeTempDir('deliveries-api');
  let service: Service;
  const get = (url: string) => service.app.inject({ method: 'GET', url });
  const post = (delivery: unknown) =>
    service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(delivery) });
  const events = async (url: string) => (await get(url)).json<{ items: Delivery[] }>().items.map((d) => d.event);
  const answers: Record<string, { status: string; event_id: string }> = {};

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    for (const [name, delivery] of Object.entries({ created, updated, retry, merged, mergedRetry, invalid })) answers[name] = (await post(delivery)).json();
    const head = await service.store.headPosition();
    expect(await service.runner.waitFor(E.isRight(head) ? head.right : 0, 10_000)).toBe(true);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('lists what the log holds and what was kept aside, newest first, each delivery once', async () => {
    expect(answers['retry']).toMatchObject({ status: 'duplicate', event_id: answers['created']?.event_id });
    expect(await events('/deliveries')).toEqual(['contact.updated', 'contact.merged', 'contact.updated', 'contact.created']);
    expect((await get('/deliveries?outcome=quarantined')).json().items).toMatchObject([{ delivery_id: 'invalid-0001', reason: expect.stringContaining('blacklisted') }]);
  });

  it('pages with a cursor, and filters by event, outcome, entity and time', async () => {
    const first = (await get('/deliveries?limit=3')).json();
    expect(first.items).toHaveLength(3);
    expect((await get(`/deliveries?limit=3&cursor=${first.next_cursor}`)).json()).toMatchObject({ items: [{ event: 'contact.created' }], next_cursor: null });
    expect(await events('/deliveries?event=contact.merged')).toEqual(['contact.merged']);
    expect(await events('/deliveries?outcome=unrecognized')).toEqual(['contact.merged']);
    expect(await events('/deliveries?entity=contact-42')).toEqual(['contact.updated', 'contact.created']);
    expect(await events('/deliveries?from=2999-01-01T00:00:00Z')).toEqual([]);
    expect(await events('/deliveries?to=2000-01-01T00:00:00Z')).toEqual([]);
  });

  it('finds a delivery by its event id, or by the delivery id of any attempt, a retry answered duplicate included', async () => {
    const eventId = answers['created']?.event_id ?? '';
    for (const id of [eventId, created?.delivery_id ?? '', retry.delivery_id]) {
      const found = await get(`/deliveries/${id}`);
      expect(found.statusCode, id).toBe(200);
      expect(found.json()).toMatchObject({ event_id: eventId, entity: 'contact-42', attempts: [{ delivery_id: retry.delivery_id }] });
    }
    expect((await get(`/deliveries?q=${retry.delivery_id}`)).json().items).toMatchObject([{ event_id: eventId }]);
    expect((await get('/deliveries/merge-0002')).json()).toMatchObject({ event: 'contact.merged', outcome: 'unrecognized', attempts: [{ delivery_id: 'merge-0002' }] });
  });

  it('answers 404 for an id it does not know, and 400 for a parameter it does not take', async () => {
    expect((await get('/deliveries/no-such-delivery')).statusCode).toBe(404);
    expect((await get('/deliveries?event_name=x')).statusCode).toBe(400);
    expect((await get('/deliveries?outcome=lost')).statusCode).toBe(400);
    expect((await get('/deliveries?limit=501')).statusCode).toBe(400);
    expect((await get('/deliveries?cursor=nope')).statusCode).toBe(400);
  });

  it('gives the raw event a delivery was stored as, from the log', async () => {
    const raw = await get(`/deliveries/${retry.delivery_id}/event`);
    expect(raw.statusCode).toBe(200);
    expect(raw.json()).toMatchObject({ id: answers['created']?.event_id, type: 'contact.created', stream: 'contact-42', data: created?.data, metadata: { delivery_id: created?.delivery_id } });
    expect((await get('/deliveries/merge-0001/event')).json()).toMatchObject({ type: 'contact.merged', stream: 'webhook-unrecognized' });
  });

  it('keeps each attempt in the log, so that a rebuild finds it again', async () => {
    const attempts = await service.store.readStream('webhook-attempts');
    expect(E.isRight(attempts) ? attempts.right.map((e) => e.metadata['delivery_id']) : attempts).toEqual([retry.delivery_id, 'merge-0002']);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await get('/docs/json')).json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/deliveries', '/deliveries/{id}', '/deliveries/{id}/event']));
    expect(doc.components.schemas).toHaveProperty('Delivery');
  });
});
