import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, describe, expect, it } from 'vitest';
import { acceptDelivery } from '../../src/intake/accept-delivery.js';
import type { OpenedStore } from '../../src/store/event-store.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { createFakeEventStoreDbClient } from '../store/fake-eventstoredb-client.js';
import { makeTempDir } from '../support/temp-dir.js';

const dir = makeTempDir('record-attempt');
afterAll(() => dir.remove());

let opened = 0;

/** Each test opens a log of its own. */
const STORES: { readonly name: string; readonly open: () => OpenedStore }[] = [
  { name: 'the embedded store', open: () => openSqliteEventStore(join(dir.path, `events-${(opened += 1)}.db`)) },
  { name: 'the EventStoreDB adapter (over the client double)', open: () => eventStoreDbOverClient(createFakeEventStoreDbClient().client) },
];

const [created] = nestedExamples;
const body = (delivery: unknown) => ({ body: Buffer.from(JSON.stringify(delivery)), headers: {}, channel: 'http' as const });

describe.each(STORES)('a provider retry answered duplicate, over $name', ({ open }) => {
  it('stores no second copy, and its attempt once, with its own delivery id, naming the event it repeated', async () => {
    const store = open();
    try {
      const accept = acceptDelivery({ store });
      const original = await accept(body(created));
      const retry = { ...created, delivery_id: 'retry-0001' };
      expect(await accept(body(retry))).toMatchObject({ status: 'duplicate', event_id: original.status === 'appended' ? original.event_id : '' });
      expect(await accept(body(retry))).toMatchObject({ status: 'duplicate' });
      const attempts = await store.readStream('webhook-attempts');
      expect(E.isRight(attempts) ? attempts.right.map((e) => [e.type, e.data, e.metadata['delivery_id']]) : attempts).toEqual([
        ['delivery.attempted', { event_id: original.status === 'appended' ? original.event_id : '', stream: 'contact-42' }, 'retry-0001'],
      ]);
      const stream = await store.readStream('contact-42');
      expect(E.isRight(stream) ? stream.right.length : stream).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('records nothing for the first delivery of an event', async () => {
    const store = open();
    try {
      await acceptDelivery({ store })(body({ ...nestedExamples[1] }));
      const attempts = await store.readStream('webhook-attempts');
      expect(E.isLeft(attempts) ? attempts.left.kind : attempts.right).toBe('stream_not_found');
    } finally {
      await store.close();
    }
  });
});
