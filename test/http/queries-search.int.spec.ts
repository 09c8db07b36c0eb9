import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { bodyOf } from '../fixtures/reference-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const created = (id: number, contact: Record<string, unknown>) => ({
  event: 'contact.created',
  delivery_id: `search-${id}`,
  timestamp: '2026-03-04T12:00:00.000000Z',
  data: { contact: { id, ...contact } },
});

describe('GET /contacts?q= forgives case, accents and phone punctuation', () => {
  const dir = makeTempDir('queries-search');
  let service: Service;

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    let last = 0;
    for (const delivery of [created(7, { name: 'María García', phone: '+14155551139' }), created(8, { name: 'Mark Gray', phone: '+442071234567' })]) {
      const response = await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(delivery) });
      last = Math.max(last, response.json().position);
    }
    expect(await service.runner.waitFor(last, 5000)).toBe(true);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it.each(['garcia', 'GARCÍA', 'maria', '415-555-1139', '(415) 555-1139'])('finds María García by %s, shown as stored', async (q) => {
    const response = await service.app.inject({ method: 'GET', url: `/contacts?q=${encodeURIComponent(q)}` });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toMatchObject([{ id: 7, name: 'María García', phone: '+14155551139' }]);
  });
});
