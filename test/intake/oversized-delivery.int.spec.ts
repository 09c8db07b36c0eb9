import { createHash } from 'node:crypto';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, describe, expect, it } from 'vitest';
import { QUARANTINE_STREAM } from '../../src/events/route-delivery.js';
import { appendDelivery, eventBytes, MAX_EVENT_BYTES } from '../../src/intake/accept-delivery.js';
import { routeDelivery } from '../../src/events/route-delivery.js';
import type { EventStore } from '../../src/store/event-store.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { createFakeEventStoreDbClient, MAX_APPEND_SIZE } from '../store/fake-eventstoredb-client.js';
import { makeTempDir } from '../support/temp-dir.js';
import { webhookHarness, type WebhookHarness } from '../support/webhook-app.js';

/**
 * The service accepts bodies up to MAX_BODY_BYTES (1 MiB); EventStoreDB refuses an append over 1 MiB of type + data +
 * metadata. Every accepted delivery must still be kept: in part, in quarantine, with its size and digest.
 */
const MAX_BODY_BYTES = 1024 * 1024;

/** A new provider event type whose data alone is just under the body limit: with metadata it is over the store's. */
const nearLimitUnrecognized = (): Buffer => {
  const head = '{"event":"invoice.created","delivery_id":"d-1","timestamp":"2026-03-04T12:00:00Z","data":{"s":"';
  const tail = '"}}';
  return Buffer.from(head + 'a'.repeat(MAX_BODY_BYTES - head.length - tail.length - 10) + tail);
};

const stores: ReadonlyArray<[string, (dir: string) => EventStore]> = [
  ['eventstoredb (client double enforcing MaxAppendSize)', () => eventStoreDbOverClient(createFakeEventStoreDbClient().client)],
  ['sqlite', (dir) => openSqliteEventStore(join(dir, 'events.db'))],
];

describe.each(stores)('a delivery too large for the store, on %s', (_, open) => {
  let harness: WebhookHarness | undefined;
  let dir: ReturnType<typeof makeTempDir> | undefined;
  afterEach(async () => {
    await harness?.close();
    dir?.remove();
  });
  const start = async () => {
    dir = makeTempDir('oversized');
    harness = await webhookHarness(dir.path, { store: open(dir.path), maxBodyBytes: MAX_BODY_BYTES });
    return harness;
  };

  const post = (body: Buffer) => harness?.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: body });

  const kept = async (store: EventStore) => {
    const read = await store.readStream(QUARANTINE_STREAM);
    return E.isRight(read) ? read.right : [];
  };

  it('is quarantined in part, with the received size and digest, and its retry is a duplicate', async () => {
    const { store } = await start();
    const body = nearLimitUnrecognized();
    const response = await post(body);
    expect(response?.statusCode).toBe(202);
    expect(response?.json()).toMatchObject({ status: 'quarantined', reason: expect.stringContaining('too large') });
    const [record] = await kept(store);
    expect(record?.data).toMatchObject({
      event: 'invoice.created',
      delivery_id: 'd-1',
      body_truncated: true,
      body_bytes: body.byteLength,
      body_sha256: createHash('sha256').update(body).digest('hex'),
    });
    expect(eventBytes(record?.type ?? '', record?.data, record?.metadata ?? {})).toBeLessThanOrEqual(MAX_EVENT_BYTES);
    const kept64 = Buffer.from(String((record?.data as { body_base64: string }).body_base64), 'base64');
    expect(body.subarray(0, kept64.byteLength).equals(kept64)).toBe(true);
    expect((await post(body))?.json()).toMatchObject({ status: 'quarantined', duplicate: true });
  });

  it('keeps a body that is not UTF-8 (stored as base64, a third larger) as rejected, in part', async () => {
    const { store } = await start();
    const body = Buffer.alloc(MAX_BODY_BYTES, 0xff);
    const response = await post(body);
    expect(response?.statusCode).toBe(400);
    expect(response?.json()).toMatchObject({ kept_as: expect.any(String) });
    expect((await kept(store))[0]?.data).toMatchObject({ body_truncated: true, body_bytes: MAX_BODY_BYTES });
  });
});

describe('an EventStoreDB whose MaxAppendSize is below what intake keeps within', () => {
  it('answers unavailable with the reason, not a 500', async () => {
    expect(MAX_APPEND_SIZE).toBe(MAX_EVENT_BYTES);
    const store = eventStoreDbOverClient(createFakeEventStoreDbClient().client);
    const routed = routeDelivery(Buffer.from(JSON.stringify({ event: 'x.y', data: { s: 'a'.repeat(MAX_APPEND_SIZE) } })));
    if (E.isLeft(routed)) throw new Error('must route');
    const outcome = await appendDelivery(store, routed.right, {});
    expect(outcome).toMatchObject({ status: 'unavailable', reason: expect.stringContaining('MaxAppendSize') });
    await store.close();
  });
});
