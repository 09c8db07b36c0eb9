import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_BYTES } from '../../src/read-model/page-fill.js';
import type { Service } from '../../src/server.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const KB = 1024;
const CONTACTS = 30;
const NAME_BYTES = 400 * KB;

/** A contact whose name alone takes 400 KB: thirty of them are 12 MB of rows. */
const heavyContact = (id: number) => ({
  event: 'contact.created',
  delivery_id: `heavy-list-${id}`,
  timestamp: '2026-03-04T12:00:00.000000Z',
  data: { contact: { id, name: `${id}:${'n'.repeat(NAME_BYTES)}`, created_at: '2026-03-04T12:00:00.000000Z' } },
});

type ContactPage = { items: { id: number }[]; next_cursor: string | null };

describe(`a list of ${CONTACTS} contacts of 400 KB each`, () => {
  const dir = makeTempDir('large-lists');
  let service: Service;
  const get = (url: string) => service.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    const position = await postDeliveries(service.app, Array.from({ length: CONTACTS }, (_, i) => heavyContact(i + 1)), 4);
    expect(await service.runner.waitFor(position, 20_000)).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it('answers a page that stops at its byte bound, whose cursor goes on to every contact once, in id order', async () => {
    const first = await get('/contacts?limit=500');
    const page = first.json<ContactPage>();
    // The page stops once its rows reach the bound: the last one may go past it.
    expect(first.body.length).toBeLessThan(MAX_PAGE_BYTES + NAME_BYTES + 64 * KB);
    expect(page.items.length).toBeLessThan(CONTACTS);
    expect(page.next_cursor).not.toBeNull();

    const seen = page.items.map((contact) => contact.id);
    for (let cursor = page.next_cursor; cursor !== null; ) {
      const next = await get(`/contacts?limit=500&cursor=${cursor}`);
      expect(next.body.length).toBeLessThan(MAX_PAGE_BYTES + NAME_BYTES + 64 * KB);
      const more = next.json<ContactPage>();
      seen.push(...more.items.map((contact) => contact.id));
      cursor = more.next_cursor;
    }
    expect(seen).toEqual(Array.from({ length: CONTACTS }, (_, i) => i + 1));
  });
});
