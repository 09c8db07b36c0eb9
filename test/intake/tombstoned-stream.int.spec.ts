import { afterEach, describe, expect, it } from 'vitest';
import { routeDelivery } from '../../src/events/route-delivery.js';
import { appendDelivery } from '../../src/intake/accept-delivery.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { nestedExamples, bodyOf } from '../fixtures/reference-deliveries.js';
import { createFakeEventStoreDbClient } from '../store/fake-eventstoredb-client.js';
import { webhookHarness, type WebhookHarness } from '../support/webhook-app.js';
import * as E from 'fp-ts/lib/Either.js';

/**
 * A stream hard-deleted in EventStoreDB (an erased entity) can never take another event. A delivery for it gets
 * the same answer whichever way it arrives: nothing stored, `stream_deleted`, HTTP 410 (not 2xx, so the provider
 * shows it as failed after its retries).
 */
const [created] = nestedExamples as [(typeof nestedExamples)[0]];

describe('a delivery for a tombstoned EventStoreDB stream', () => {
  let harness: WebhookHarness | undefined;
  afterEach(async () => {
    await harness?.close();
  });

  it('is answered 410 stream_deleted over HTTP and nothing is stored', async () => {
    const fake = createFakeEventStoreDbClient();
    fake.tombstone('contact-42');
    harness = await webhookHarness('', { store: eventStoreDbOverClient(fake.client) });
    const response = await harness.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(created) });
    expect(response.statusCode).toBe(410);
    expect(response.json()).toMatchObject({ title: 'Stream deleted', detail: expect.stringContaining('contact-42') });
    expect(fake.stored('contact-42')).toHaveLength(0);
  });

  it('gets the same outcome on the append path shared by the CLI and quarantine retry', async () => {
    const fake = createFakeEventStoreDbClient();
    fake.tombstone('contact-42');
    const store = eventStoreDbOverClient(fake.client);
    const routed = routeDelivery(bodyOf(created));
    if (E.isLeft(routed)) throw new Error('the reference delivery must route');
    const outcome = await appendDelivery(store, routed.right, {});
    expect(outcome).toMatchObject({ status: 'stream_deleted', stream: 'contact-42', event_id: routed.right.record.id });
    await store.close();
  });
});
