import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetContact } from '../../src/erasure/forget-contact.js';
import { forgottenContacts } from '../../src/erasure/forgotten-contacts.js';
import { liftErasure } from '../../src/erasure/lift-erasure.js';
import { routeDelivery } from '../../src/events/route-delivery.js';
import { acceptDelivery } from '../../src/intake/accept-delivery.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';

const body = (delivery: unknown) => Buffer.from(JSON.stringify(delivery));
const newMessage = {
  event: 'message.received',
  delivery_id: 'after-forget-1',
  timestamp: '2026-12-31T09:00:00.000000Z',
  data: { message: { id: 777, content: 'I am back, please keep my details', sent_at: '2026-12-31T09:00:00.000000Z' }, contact: { id: 42 } },
};

describe('lifting the redaction at intake of a forgotten contact', () => {
  const dir = makeTempDir('lift');
  let store: EventStore;
  let clock = 0;
  const now = () => new Date();
  beforeAll(async () => {
    store = openSqliteEventStore(join(dir.path, 'events.db'));
    const accept = acceptDelivery({ store, now });
    for (const delivery of nestedExamples) await accept({ body: body(delivery), headers: {}, channel: 'cli' });
    expect(E.isRight(await forgetContact({ store, now }, '42', 'erasure request'))).toBe(true);
  });
  afterAll(async () => {
    await store.close();
    dir.remove();
  });

  const routed = () => {
    const result = routeDelivery(body(newMessage));
    if (E.isLeft(result)) throw new Error('the delivery must route');
    return result.right;
  };

  it('redacts a new delivery about the contact, learnt from the erasures record (another process forgot it)', async () => {
    const forgotten = forgottenContacts(store, () => clock);
    const redacted = await forgotten.redact(routed(), {});
    expect(JSON.stringify(redacted.routed.record.data)).not.toContain('I am back');
    expect(redacted.metadata).toMatchObject({ erased_by: 'intake' });
    expect(redacted.routed.record.id).toBe(routed().record.id);
  });

  it('keeps a new invalid delivery naming the contact in quarantine without its body', async () => {
    const forgotten = forgottenContacts(store, () => clock);
    const invalid = routeDelivery(body({ ...newMessage, data: { ...newMessage.data, message: { id: 'bad id!', content: 'I am back' } } }));
    if (E.isLeft(invalid) || invalid.right.outcome !== 'quarantined') throw new Error('the delivery must be quarantined');
    const redacted = await forgotten.redact(invalid.right, {});
    expect(redacted.routed.record.data).toMatchObject({ body_text: '[redacted]', reason: expect.any(String) });
    expect(JSON.stringify(redacted.routed.record.data)).not.toContain('I am back');
  });

  it('stores new deliveries as received once lifted, and says so only once', async () => {
    const forgotten = forgottenContacts(store, () => clock);
    await forgotten.redact(routed(), {});
    const lifted = await liftErasure({ store, now }, '42', 'the contact consented again');
    expect(E.isRight(lifted) && lifted.right).toMatchObject({ contact_id: 42, reason: 'the contact consented again' });
    clock += 1000;
    const plain = await forgotten.redact(routed(), {});
    expect(JSON.stringify(plain.routed.record.data)).toContain('I am back');
    expect(await liftErasure({ store, now }, '42', 'again')).toEqual(E.right(undefined));
  });
});
