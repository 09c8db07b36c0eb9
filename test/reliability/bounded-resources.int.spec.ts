import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../src/read-model/page.js';
import type { Service } from '../../src/server.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const WAIT_MS = 300;

const contactCreated = (id: number) => ({
  event: 'contact.created',
  delivery_id: `bounded-${id}`,
  timestamp: '2026-03-04T12:00:00.000000Z',
  data: { contact: { id, name: `Contact ${id}`, created_at: '2026-03-04T12:00:00.000000Z' } },
});

describe('bounded resources of the query API', () => {
  const dir = makeTempDir('bounded');
  let service: Service;
  let head = 0;
  const get = (url: string) => service.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    service = await serviceHarness(dir.path, { MIN_POSITION_WAIT_MS: String(WAIT_MS) });
    // One more contact than the largest page.
    head = await postDeliveries(service.app, Array.from({ length: MAX_PAGE_SIZE + 1 }, (_, i) => contactCreated(i + 1)));
    expect(await service.runner.waitFor(head, 10_000)).toBe(true);
    // A read model 1000 events behind the log: the runner stops, the log grows.
    await service.runner.stop();
    const behind = Array.from({ length: 1000 }, (_, i) => ({ id: randomUUID(), type: 'ping', data: { n: i }, metadata: {} }));
    const appended = await service.store.append('webhook-ping', behind, 'any');
    expect(E.isRight(appended) && appended.right.events.at(-1)?.position).toBe(head + 1000);
  });
  afterAll(async () => {
    await service?.close();
    dir.remove();
  });

  it(`answers at most ${MAX_PAGE_SIZE} items per page, and ${DEFAULT_PAGE_SIZE} when no limit is given`, async () => {
    const largest = (await get(`/contacts?limit=${MAX_PAGE_SIZE}`)).json<{ items: unknown[]; next_cursor: string | null }>();
    expect(largest.items).toHaveLength(MAX_PAGE_SIZE);
    expect(largest.next_cursor).not.toBeNull();
    const unbounded = (await get('/contacts')).json<{ items: unknown[] }>();
    expect(unbounded.items).toHaveLength(DEFAULT_PAGE_SIZE);
  });

  it.each(['/contacts', '/bookings', '/tickets', '/quarantine', '/contacts/1/history', '/bookings/1/history', '/tickets/1/history'])(
    `answers %s?limit=${MAX_PAGE_SIZE + 1} with 400 naming limit`,
    async (path) => {
      const within = await get(`${path}?limit=${MAX_PAGE_SIZE}`);
      expect(within.statusCode).not.toBe(400);
      const over = await get(`${path}?limit=${MAX_PAGE_SIZE + 1}`);
      expect(over.statusCode).toBe(400);
      expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(over.json<{ detail: string }>().detail).toContain('limit');
    },
  );

  it.each(['/contacts/1', '/contacts', '/contacts/1/summary', '/contacts/1/conversation', '/bookings', '/bookings/1', '/tickets', '/tickets/1'])(
    `answers %s?min_position beyond the read model with 503, Retry-After and the lag after MIN_POSITION_WAIT_MS (${WAIT_MS} ms)`,
    async (path) => {
      const startedAt = Date.now();
      const response = await get(`${path}?min_position=${head + 1000}`);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.json()).toMatchObject({
        title: 'Read model behind',
        detail: `position ${head + 1000} not applied within ${WAIT_MS} ms`,
        applied_position: head,
        lag: 1000,
      });
      // Generous: the wait is bounded by the setting, not by the default of 2 s nor by the runner.
      expect(Date.now() - startedAt).toBeLessThan(10_000);
    },
  );

  it('answers a crowd of 200 waiting queries with 503, and serves at once afterwards', async () => {
    const waiting = await Promise.all(Array.from({ length: 200 }, (_, i) => get(`/contacts/${i + 1}?min_position=${head + 1}`)));
    expect(waiting.map((r) => r.statusCode)).toEqual(waiting.map(() => 503));
    const now = await get(`/contacts/1?min_position=${head}`);
    expect(now.statusCode).toBe(200);
  });
});
