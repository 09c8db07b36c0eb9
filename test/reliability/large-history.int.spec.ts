import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_BYTES } from '../../src/read-model/page-fill.js';
import type { Service } from '../../src/server.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { whileHealthIsAsked } from '../support/while-health-is-asked.js';

const MB = 1024 * 1024;
const UPDATES = 12;

const update = (n: number) =>
  JSON.stringify({
    event: 'contact.updated',
    delivery_id: `heavy-${n}`,
    timestamp: `2026-03-04T12:${String(n).padStart(2, '0')}:00.000000Z`,
    data: { contact: { id: 77, name: `${n}:${'n'.repeat(MB - 300)}`, updated_at: `2026-03-04T12:${String(n).padStart(2, '0')}:00.000000Z` } },
  });

describe(`a contact with ${UPDATES} updates of 1 MB each`, () => {
  const dir = makeTempDir('large-history');
  let service: Service;
  const figures: string[] = [];
  const get = (url: string) => service.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    service = await serviceHarness(dir.path, { MAX_BODY_BYTES: String(MB) });
    for (let n = 0; n < UPDATES; n++) {
      const response = await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: update(n) });
      expect(response.statusCode).toBe(202);
    }
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    dir.remove();
    console.log(`large history: ${figures.join('; ')}`);
  });

  it('answers its audit trail a bounded page at a time, with a cursor, answering /health meanwhile', async () => {
    const first = await whileHealthIsAsked(service.app, () => get('/contacts/77/audit'));
    const page = first.answer.json<{ entries: { event_id: string }[]; next_after: string | null }>();
    figures.push(
      `audit: first page ${page.entries.length} entries, ${(first.answer.body.length / MB).toFixed(1)} MB, /health answered ${first.healthAnswered} times ` +
        `(slowest ${first.slowestHealthMs.toFixed(0)} ms), RSS +${first.rssGrowthMb.toFixed(0)} MB`,
    );
    expect(first.answer.body.length).toBeLessThan(MAX_PAGE_BYTES + 2 * MB);
    expect(page.next_after).toBe(page.entries.at(-1)?.event_id);
    expect(first.healthAnswered).toBeGreaterThan(0);

    const seen = [...page.entries.map((entry) => entry.event_id)];
    for (let after = page.next_after; after !== null; ) {
      const next = (await get(`/contacts/77/audit?after=${after}`)).json<typeof page>();
      seen.push(...next.entries.map((entry) => entry.event_id));
      after = next.next_after;
    }
    expect(new Set(seen).size).toBe(UPDATES);
    expect(seen).toHaveLength(UPDATES);
  }, 60_000);

  it('says where the next CSV page is in a Link header', async () => {
    const csv = await get('/contacts/77/audit?format=csv&limit=2');
    const next = /^<([^>]+)>; rel="next"$/.exec(String(csv.headers['link']))?.[1];
    expect(next).toMatch(/^\/contacts\/77\/audit\?format=csv&limit=2&after=/);
    expect((await get(next ?? '')).statusCode).toBe(200);
  });

  it('answers its raw history a bounded page at a time, whatever limit asks', async () => {
    const history = (await get('/contacts/77/history?limit=500')).json<{ events: unknown[]; next_from_revision: number | null }>();
    figures.push(`history?limit=500: ${history.events.length} events in the first page`);
    expect(history.events.length).toBeLessThan(UPDATES);
    expect(history.next_from_revision).toBe(history.events.length);
  });
});
