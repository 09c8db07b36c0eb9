import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forgetContact } from '../../src/erasure/forget-contact.js';
import { liftErasure } from '../../src/erasure/lift-erasure.js';
import { acceptDelivery } from '../../src/intake/accept-delivery.js';
import type { IntakeOutcome } from '../../src/intake/intake-outcome.js';
import type { OpenedStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';

const body = (delivery: unknown) => Buffer.from(JSON.stringify(delivery));
const message = (id: number, content: string) => ({
  event: 'message.received',
  delivery_id: `after-forget-${id}`,
  timestamp: '2026-12-31T09:00:00.000000Z',
  data: { message: { id, content, sent_at: '2026-12-31T09:00:00.000000Z' }, contact: { id: 42 } },
});

describe('deliveries about a forgotten contact, in another process than the forget, and the lift', () => {
  const dir = makeTempDir('lift');
  const file = () => join(dir.path, 'events.db');
  let forgetting: OpenedStore;
  let serving: OpenedStore;
  const now = () => new Date();
  const accept = (delivery: unknown) => acceptDelivery({ store: serving, now })({ body: body(delivery), headers: {}, channel: 'http' });
  const stored = async (outcome: IntakeOutcome) => {
    if (!('stream' in outcome) || !('position' in outcome)) throw new Error(`not stored: ${outcome.status}`);
    const read = await serving.readStream(outcome.stream);
    if (E.isLeft(read)) throw new Error('the stream must be there');
    const event = read.right.find((recorded) => recorded.position === outcome.position);
    if (event === undefined) throw new Error('the event must be there');
    return event;
  };

  beforeAll(async () => {
    // Two connections to one file: the server's, and the CLI's that forgets.
    serving = openSqliteEventStore(file());
    forgetting = openSqliteEventStore(file());
    for (const delivery of nestedExamples) await accept(delivery);
    expect(E.isRight(await forgetContact({ store: forgetting, now }, '42', 'erasure request'))).toBe(true);
  });
  afterAll(async () => {
    await serving.close();
    await forgetting.close();
    dir.remove();
  });

  it('stores a new delivery about the contact redacted, under the id it would have had', async () => {
    const outcome = await accept(message(777, 'I am back, please keep my details'));
    expect(outcome.status).toBe('appended');
    const event = await stored(outcome);
    expect(JSON.stringify(event.data)).not.toContain('I am back');
    expect(event.metadata).toMatchObject({ erased_by: 'intake' });
  });

  it('keeps a new invalid delivery naming the contact in quarantine without its body', async () => {
    const outcome = await accept({ ...message(778, 'I am back'), data: { ...message(778, '').data, message: { id: 'bad id!', content: 'I am back' } } });
    expect(outcome.status).toBe('quarantined');
    const event = await stored(outcome);
    expect(event.data).toMatchObject({ body_text: '[redacted]', reason: expect.any(String) });
    expect(JSON.stringify(event.data)).not.toContain('I am back');
  });

  it('stores new deliveries as received once lifted, and says so only once', async () => {
    const lifted = await liftErasure({ store: forgetting, now }, '42', 'the contact consented again');
    expect(E.isRight(lifted) && lifted.right).toMatchObject({ contact_id: 42, reason: 'the contact consented again' });
    const event = await stored(await accept(message(779, 'Hello again, keep this')));
    expect(JSON.stringify(event.data)).toContain('Hello again, keep this');
    expect(await liftErasure({ store: forgetting, now }, '42', 'again')).toEqual(E.right(undefined));
  });
});
