import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForgetJob } from '../../src/erasure/forget-job.js';
import type { Service } from '../../src/server.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { fillStore } from '../support/fill-store.js';
import { eventually } from '../support/eventually.js';
import { forgetOverHttp } from '../support/forget-over-http.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const TOKEN = 'forget-job-token-0123456789-abcdefghij';
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

describe('a forget over a long log, started over HTTP', () => {
  const dir = makeTempDir('forget-job');
  let service: Service;
  const post = (delivery: unknown) => service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(delivery) });
  const job = async () => (await service.app.inject({ method: 'GET', url: '/erasures/job', headers })).json() as ForgetJob;

  beforeAll(async () => {
    // Tens of thousands of events about others: the forget's scan of the log takes many turns of the event loop.
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    try {
      await fillStore(store, 2_000);
    } finally {
      await store.close();
    }
    service = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
    for (const delivery of nestedExamples) await post(delivery);
  }, 120_000);
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('answers 202 at once with the job, and keeps answering /health and taking deliveries while it runs', async () => {
    const started = await service.app.inject({ method: 'POST', url: '/contacts/42/forget', headers, payload: JSON.stringify({ reason: 'erasure request #12' }) });
    expect(started.statusCode).toBe(202);
    expect(started.headers['location']).toBe('/erasures/job');
    expect(started.json()).toMatchObject({ contact_id: '42', state: 'running', outcome: null });
    const health = await service.app.inject({ method: 'GET', url: '/health' });
    const delivery = await post({ ...nestedExamples[0], delivery_id: 'during-the-forget', data: { contact: { id: 77, name: 'Omar during the forget', created_at: '2026-03-04T12:00:00.000000Z' } } });
    const during = await job();
    expect(health.statusCode).toBe(200);
    expect(delivery.statusCode).toBe(202);
    expect(during.state).toBe('running');
    expect(during.progress).not.toBeNull();
    const second = await service.app.inject({ method: 'POST', url: '/contacts/77/forget', headers, payload: JSON.stringify({ reason: 'another' }) });
    expect(second.statusCode).toBe(409);
    expect(second.json().job.job_id).toBe(during.job_id);
  });

  it('ends with the erasure done and this node purged, after which a second run has nothing left to do', async () => {
    const ended = await eventually('the first forget has ended', async () => ((await job()).state === 'running' ? undefined : job()));
    expect(ended).toMatchObject({ state: 'done', outcome: { status: 'erased', read_model_purged: true } });
    const again = await forgetOverHttp(service.app, TOKEN, '42', { reason: 'erasure request #12' });
    expect(again.job).toMatchObject({ state: 'done', outcome: { status: 'already_erased', read_model_purged: true } });
  });
});
