import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { verifyReadModel } from '../../src/runner/verify.js';
import type { Service } from '../../src/server.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { createFakeEventStoreDbClient } from '../store/fake-eventstoredb-client.js';
import { forgetOverHttp } from '../support/forget-over-http.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const TOKEN = 'forget-esdb-token-0123456789-abcdefgh';
const auth = { authorization: `Bearer ${TOKEN}` };

/**
 * The EventStoreDB way over the client double (no server): redacted copies appended, the originals truncated away
 * from stream reads; their bytes stay on the server until a scavenge, which the double does not model.
 */
describe('forgetting a contact with EventStoreDB (client double)', () => {
  const dir = makeTempDir('forget-esdb');
  const fake = createFakeEventStoreDbClient();
  let service: Service;
  const get = (url: string) => service.app.inject({ method: 'GET', url, headers: auth });

  beforeAll(async () => {
    service = await serviceHarness(dir.path, { API_TOKEN: TOKEN }, projections, async () => eventStoreDbOverClient(fake.client, { deadlineMs: 500 }));
    for (const delivery of nestedExamples) {
      await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(delivery) });
    }
    const forget = await forgetOverHttp(service.app, TOKEN, '42', { reason: 'erasure request' });
    expect(forget.job?.outcome).toMatchObject({ status: 'erased', read_model_purged: true });
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('reads the contact stream back redacted, same ids in the same order, the forget last', async () => {
    const events = (await get('/contacts/42/history')).json().events as { id: string; type: string; data: unknown }[];
    expect(events.map((event) => event.type)).toEqual(['contact.created', 'contact.updated', 'contact.deleted', 'contact.forgotten']);
    expect(JSON.stringify(events)).not.toContain('Sarah');
    const originals = fake.stored('contact-42').slice(0, 3).map((entry) => entry.id);
    expect(events.slice(0, 3).map((event) => event.id)).toEqual(originals);
  });

  it('answers redacted from the read model, and a rebuild agrees', async () => {
    for (const url of ['/contacts/42', '/contacts/42/conversation', '/bookings/101', '/tickets/55']) {
      expect((await get(url)).body).not.toContain('Sarah');
    }
    expect((await verifyReadModel({ store: service.store, readModel: service.readModel, projections })).matches).toBe(true);
  });

  it('keeps a provider retry a duplicate: the copies carry the original ids', async () => {
    const [created] = nestedExamples;
    const retry = await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ ...created, delivery_id: 'retry-1' }) });
    expect(retry.json()).toMatchObject({ status: 'duplicate' });
  });
});
