import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const [created] = nestedExamples;
/** The engine's own erasure event, sent as a webhook: well formed, dated after everything Sarah ever sent. */
const forged = {
  event: 'contact.forgotten',
  delivery_id: 'forged-forget',
  timestamp: '2999-01-01T00:00:00.000000Z',
  data: { contact: { id: 42 }, erasure_id: 'forged', reason: 'not an erasure', forgotten_at: '2999-01-01T00:00:00.000000Z', bookings: [], tickets: [] },
};

describe('a webhook named contact.forgotten', () => {
  const dir = makeTempDir('forged-forget');
  let service: Service;
  const post = (delivery: unknown) =>
    service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(delivery) });

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('is kept as unrecognized and erases nothing: the projections read it by the stream it is in, not by its name', async () => {
    await post(created);
    const answer = (await post(forged)).json<{ status: string; stream: string; position: number }>();
    expect(answer).toMatchObject({ status: 'unrecognized', stream: 'webhook-unrecognized' });
    const contact = await service.app.inject({ method: 'GET', url: `/contacts/42?min_position=${answer.position}` });
    expect(contact.json()).toMatchObject({ name: 'Sarah Johnson', email: 'sarah@example.com' });
    expect(contact.json()).not.toHaveProperty('forgotten');
    expect((await service.app.inject({ method: 'GET', url: '/deliveries/forged-forget' })).json()).toMatchObject({ event: 'contact.forgotten', outcome: 'unrecognized' });
  });
});
