import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { serviceHarness } from '../support/service-harness.js';
import { sortableDeliveries } from '../support/sortable-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';

type Page = { items: { id: number }[]; next_cursor: string | null; prev_cursor: string | null };

const postgres = await postgresAnswers();
if (!postgres) skippedWithoutPostgres('the list specs over the PostgreSQL read model');

/** The same specs over each read-model store: the answers must not depend on where the rows are kept. */
const STORES = [
  { store: 'sqlite', available: true, env: (): Record<string, string> => ({}) },
  { store: 'postgres', available: postgres, env: (schema: string): Record<string, string> => ({ READ_MODEL_URL: TEST_POSTGRES_URL, READ_MODEL_SCHEMA: schema }) },
];

describe.each(STORES)('lists over the $store read model', ({ store, available, env }) => {
  const dir = makeTempDir(`list-sort-${store}`);
  const schema = freshSchema();
  let service: Service;

  const get = async (url: string) => service.app.inject({ method: 'GET', url });
  const page = async (url: string): Promise<Page> => {
    const response = await get(url);
    expect(response.statusCode, response.body).toBe(200);
    return response.json<Page>();
  };
  const ids = async (url: string) => (await page(url)).items.map((item) => item.id);
  const withCursor = (url: string, cursor: string) => `${url}${url.includes('?') ? '&' : '?'}cursor=${cursor}`;

  /** Every page of `url`, following next_cursor from the first page. */
  const pagesForward = async (url: string): Promise<Page[]> => {
    const pages = [await page(url)];
    for (let next = pages[0]?.next_cursor; next !== null && next !== undefined; next = pages.at(-1)?.next_cursor) pages.push(await page(withCursor(url, next)));
    return pages;
  };

  /** The pages before `last`, following prev_cursor, in the order they were met (the last page's neighbour first). */
  const pagesBack = async (url: string, last: Page): Promise<Page[]> => {
    const pages: Page[] = [];
    for (let prev = last.prev_cursor; prev !== null; prev = pages.at(-1)?.prev_cursor ?? null) pages.push(await page(withCursor(url, prev)));
    return pages;
  };

  beforeAll(async () => {
    if (!available) return;
    service = await serviceHarness(dir.path, env(schema.name));
    expect(await service.runner.waitFor(await postDeliveries(service.app, sortableDeliveries), 20_000)).toBe(true);
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    if (store === 'postgres' && available) await schema.drop();
    dir.remove();
  });

  describe.skipIf(!available)('sorted over the whole list', () => {
    it.each([
      ['/contacts', [1, 2, 3, 4, 5, 6, 7]],
      ['/contacts?sort=-id', [7, 6, 5, 4, 3, 2, 1]],
      // By name without regard to case or accents ("Alice" beside "alice", "Émile" before "emily"); no name last.
      ['/contacts?sort=name', [2, 5, 1, 3, 4, 6, 7]],
      ['/contacts?sort=-name', [4, 3, 1, 5, 2, 7, 6]],
      ['/contacts?sort=updated_at', [1, 3, 4, 2, 5, 6, 7]],
      ['/contacts?sort=-updated_at', [5, 2, 4, 3, 1, 7, 6]],
      ['/bookings?sort=starts_at', [602, 603, 601, 604]],
      ['/bookings?sort=-starts_at', [601, 603, 602, 604]],
      ['/tickets?sort=-created_at&priority=normal', [519, 518, 517]],
    ])('%s lists %j: rows without the value last either way, equal values in id order (reversed with the sort)', async (url, expected) => {
      expect(await ids(url)).toEqual(expected);
    });

    it('sorts tickets by creation, the two created at the same time in id order', async () => {
      expect((await ids('/tickets?sort=created_at')).slice(0, 3)).toEqual([501, 502, 503]);
      expect((await ids('/tickets?sort=-created_at')).slice(-3)).toEqual([503, 502, 501]);
    });

    it.each(['/contacts?sort=name&limit=2', '/contacts?sort=-updated_at&limit=3', '/tickets?sort=created_at&limit=4', '/bookings?sort=-starts_at&limit=1'])(
      'pages %s forward to the end and back to the start through the same pages',
      async (url) => {
        const forward = await pagesForward(url);
        const whole = await ids(url.replace(/limit=\d+/, 'limit=500'));
        expect(forward.flatMap((p) => p.items.map((item) => item.id))).toEqual(whole);
        expect(forward[0]?.prev_cursor).toBeNull();
        expect(forward.at(-1)?.next_cursor).toBeNull();
        const back = await pagesBack(url, forward.at(-1) as Page);
        expect(back.map((p) => p.items)).toEqual(forward.slice(0, -1).reverse().map((p) => p.items));
        expect(back.at(-1)?.prev_cursor).toBeNull();
      },
    );

    it('keeps the next page where it was when a row comes before it meanwhile (the cursor holds the sort value)', async () => {
      const first = await page('/contacts?sort=name&limit=3');
      expect(first.items.map((c) => c.id)).toEqual([2, 5, 1]);
      const aaron = { event: 'contact.created', delivery_id: 'sortable-aaron', timestamp: '2026-03-09T10:00:00.000000Z', data: { contact: { id: 8, name: 'Aaron' } } };
      expect(await service.runner.waitFor(await postDeliveries(service.app, [aaron]), 10_000)).toBe(true);
      const second = await page(withCursor('/contacts?sort=name&limit=3', first.next_cursor ?? ''));
      expect(second.items.map((c) => c.id)).toEqual([3, 4, 6]);
      const back = await page(withCursor('/contacts?sort=name&limit=3', second.prev_cursor ?? ''));
      expect(back.items.map((c) => c.id)).toEqual([2, 5, 1]);
      expect(back.prev_cursor).not.toBeNull();
    });

    it('refuses a cursor of another sort, or one it did not make', async () => {
      const { next_cursor: cursor } = await page('/contacts?sort=name&limit=2');
      const other = await get(`/contacts?sort=updated_at&cursor=${cursor}`);
      expect(other.statusCode).toBe(400);
      expect(other.json().detail).toContain('sort=name');
      expect((await get('/contacts?cursor=bm90LWEtY3Vyc29y')).statusCode).toBe(400);
      expect((await get('/contacts?sort=email')).statusCode).toBe(400);
    });
  });

  describe.skipIf(!available)('filters that forgive case', () => {
    it.each([
      ['/tickets?priority=Urgent', 16],
      ['/tickets?priority=URGENT&status=open', 16],
      ['/tickets?priority=normal', 3],
    ])('%s finds %i tickets', async (url, count) => {
      expect(await ids(url)).toHaveLength(count);
    });

    it.each([
      ['/contacts?status=ACTIVE', [1, 2, 3, 4]],
      ['/contacts?tag=Vip', [1, 3, 5]],
      ['/contacts?type=sms', [4]],
      ['/bookings?status=CONFIRMED', [601, 602, 603]],
    ])('%s finds %j', async (url, expected) => {
      expect(await ids(url)).toEqual(expected);
    });
  });

  describe.skipIf(!available)('facets', () => {
    it('counts the tickets per value, spellings folded into the most common one, the most frequent first', async () => {
      expect((await get('/tickets/facets')).json()).toEqual({
        status: { values: [{ value: 'open', count: 16 }, { value: 'closed', count: 3 }, { value: 'pending', count: 1 }], more: false },
        priority: { values: [{ value: 'urgent', count: 16 }, { value: 'normal', count: 3 }], more: false },
      });
    });

    it("counts a field under the other filters, not its own, so that it still offers the others", async () => {
      const facets = (await get('/tickets/facets?priority=normal')).json();
      expect(facets.priority.values).toEqual([{ value: 'urgent', count: 16 }, { value: 'normal', count: 3 }]);
      expect(facets.status.values).toEqual([{ value: 'closed', count: 3 }]);
    });

    it("counts the contacts' statuses, types and tags", async () => {
      expect((await get('/contacts/facets')).json()).toEqual({
        status: { values: [{ value: 'active', count: 4 }, { value: 'blocked', count: 1 }], more: false },
        type: { values: [{ value: 'whatsapp', count: 4 }, { value: 'SMS', count: 1 }], more: false },
        tag: { values: [{ value: 'vip', count: 3 }, { value: 'new', count: 1 }], more: false },
      });
    });

    it('counts the bookings per status, and refuses what the list refuses', async () => {
      expect((await get('/bookings/facets')).json()).toEqual({
        status: { values: [{ value: 'confirmed', count: 3 }, { value: 'cancelled', count: 1 }], more: false },
      });
      expect((await get('/bookings/facets?sort=id')).statusCode).toBe(400);
    });
  });
});
