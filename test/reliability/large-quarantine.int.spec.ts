import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAGE_BYTES } from '../../src/read-model/page-fill.js';
import type { Service } from '../../src/server.js';
import { eventually } from '../support/eventually.js';
import { serviceHarness } from '../support/service-harness.js';
import { whileHealthIsAsked } from '../support/while-health-is-asked.js';
import { makeTempDir } from '../support/temp-dir.js';

const MB = 1024 * 1024;
const KEPT = 30;

/** A contact.created without an id: quarantined whole. Each one's name differs, so none is a duplicate. */
const largeInvalidDelivery = (n: number) =>
  JSON.stringify({
    event: 'contact.created',
    delivery_id: `large-${n}`,
    timestamp: '2026-03-04T12:00:00.000000Z',
    data: { contact: { name: `${n}:${'x'.repeat(1_000_000)}` } },
  });

describe(`a large quarantine (${KEPT} bodies of 1 MB)`, () => {
  const dir = makeTempDir('large-quarantine');
  let service: Service;
  const figures: string[] = [];

  beforeAll(async () => {
    service = await serviceHarness(dir.path, { MAX_BODY_BYTES: String(MB) });
    for (let n = 0; n < KEPT; n++) {
      const response = await service.app.inject({
        method: 'POST',
        url: '/webhooks/skylight',
        headers: { 'content-type': 'application/json' },
        payload: largeInvalidDelivery(n),
      });
      expect(response.json<{ status: string }>().status).toBe('quarantined');
    }
  }, 60_000);
  afterAll(async () => {
    await service?.close();
    dir.remove();
    console.log(`large quarantine: ${figures.join('; ')}`);
  });

  it('lists it a bounded page at a time, answering /health all along', async () => {
    const listed = await whileHealthIsAsked(service.app, () => service.app.inject({ method: 'GET', url: '/quarantine?limit=500' }));
    const page = listed.answer.json<{ items: { body_bytes: number }[]; next_after_revision: number | null }>();
    const pageBodyBytes = page.items.reduce((sum, item) => sum + item.body_bytes, 0);
    figures.push(
      `GET /quarantine?limit=500: ${page.items.length} items, ${(pageBodyBytes / MB).toFixed(1)} MB of bodies, answer ${listed.answer.body.length} bytes, ` +
        `/health answered ${listed.healthAnswered} times (slowest ${listed.slowestHealthMs.toFixed(0)} ms), RSS +${listed.rssGrowthMb.toFixed(0)} MB`,
    );
    // The page stops at the byte bound (the first body beyond it still counts), with a cursor to the rest.
    expect(pageBodyBytes).toBeGreaterThanOrEqual(MAX_PAGE_BYTES);
    expect(pageBodyBytes - (page.items.at(-1)?.body_bytes ?? 0)).toBeLessThan(MAX_PAGE_BYTES);
    expect(page.next_after_revision).toBe(page.items.length - 1);
    expect(listed.healthAnswered).toBeGreaterThan(0);
    // Generous: the issue saw +300 MB for the unbounded listing.
    expect(listed.rssGrowthMb).toBeLessThan(200);

    let pages = 1;
    let listedItems = page.items.length;
    for (let next = page.next_after_revision; next !== null; pages++) {
      const more = (await service.app.inject({ method: 'GET', url: `/quarantine?limit=500&after_revision=${next}` })).json<typeof page>();
      listedItems += more.items.length;
      next = more.next_after_revision;
    }
    expect(listedItems).toBe(KEPT);
    figures.push(`all ${KEPT} in ${pages} pages`);
  }, 60_000);

  it('retries it all in a background job with progress, answering /health all along', async () => {
    type Job = { state: string; total: number; retried: number; outcomes: Record<string, number> };
    const progressSeen = new Set<number>();
    const retried = await whileHealthIsAsked(service.app, async () => {
      const started = await service.app.inject({ method: 'POST', url: '/quarantine/retry-all' });
      expect(started.statusCode).toBe(202);
      return eventually(
        'the retry-all job has ended',
        async () => {
          const job = (await service.app.inject({ method: 'GET', url: '/quarantine/retry-all' })).json<Job>();
          progressSeen.add(job.retried);
          return job.state === 'running' ? undefined : job;
        },
        50_000,
      );
    });
    figures.push(
      `retry-all: ${retried.answer.retried} retried, ${progressSeen.size} distinct progress readings, ` +
        `/health answered ${retried.healthAnswered} times (slowest ${retried.slowestHealthMs.toFixed(0)} ms), RSS +${retried.rssGrowthMb.toFixed(0)} MB`,
    );
    expect(retried.answer).toMatchObject({ state: 'done', total: KEPT, retried: KEPT, outcomes: { still_invalid: KEPT } });
    expect(progressSeen.size).toBeGreaterThan(2);
    expect(retried.healthAnswered).toBeGreaterThan(0);
    expect(retried.rssGrowthMb).toBeLessThan(200);
  }, 60_000);
});
