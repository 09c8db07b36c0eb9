import * as E from 'fp-ts/lib/Either.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QUARANTINE_STREAM } from '../../src/events/route-delivery.js';
import type { Service } from '../../src/server.js';
import { bodyOf, type Delivery } from '../fixtures/reference-deliveries.js';
import { eventually } from '../support/eventually.js';
import { serviceHarness } from '../support/service-harness.js';
import { olderQuarantineRecord } from '../support/older-quarantine-record.js';
import { makeTempDir } from '../support/temp-dir.js';

/** Valid today; kept by an (imagined) older version whose schema rejected it. */
const passesNow: Delivery = {
  event: 'contact.created',
  delivery_id: '0b1e6f0a-0601-4d6a-8d0a-000000000601',
  timestamp: '2026-03-01T09:00:00.000000Z',
  data: { contact: { id: 601, name: 'Lena Ortiz', email: 'lena@example', created_at: '2026-03-01T09:00:00.000000Z' } },
};

/** Received signed, with the provider's headers: a retry must keep how it was received. */
const signedReceipt = { signature: 'verified', signature_fingerprint: '0a1b2c3d', headers: { 'x-skylight-event': 'contact.created' } };

const invalid: Delivery = { event: 'contact.created', delivery_id: 'bad-1', timestamp: '2026-03-04T12:00:00Z', data: { contact: { name: 'no id' } } };

type Job = { job_id: string; state: string; total: number; retried: number; outcomes: Record<string, number>; finished_at: string | null };

/** Polls the retry-all job until it is no longer running. */
const retryAllEnded = (service: Service): Promise<Job> =>
  eventually('the retry-all job has ended', async () => {
    const job = (await service.app.inject({ method: 'GET', url: '/quarantine/retry-all' })).json<Job>();
    return job.state === 'running' ? undefined : job;
  });

describe('quarantine: list and retry', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let service: Service;
  const inject = (method: 'GET' | 'POST', url: string) => service.app.inject({ method, url });
  const head = async () => E.getOrElse(() => -1)(await service.store.headPosition());
  const finished = () => retryAllEnded(service);
  const retryAll = async (): Promise<Job> => {
    const started = await inject('POST', '/quarantine/retry-all');
    expect(started.statusCode).toBe(202);
    expect(started.headers.location).toBe('/quarantine/retry-all');
    const job = await finished();
    expect(job.job_id).toBe(started.json<Job>().job_id);
    return job;
  };

  // Each test starts from the same four kept deliveries, none of them retried yet.
  beforeEach(async () => {
    dir = makeTempDir('quarantine');
    service = await serviceHarness(dir.path);
    expect((await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(invalid) })).json().status).toBe('quarantined');
    expect((await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: 'not json' })).statusCode).toBe(400);
    const notUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    expect((await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: notUtf8 })).statusCode).toBe(400);
    const appended = await service.store.append(QUARANTINE_STREAM, [olderQuarantineRecord(passesNow, signedReceipt)], 'any');
    expect(E.isRight(appended)).toBe(true);
  });
  afterEach(async () => {
    await service.close();
    dir.remove();
  });

  it('lists what was kept, why, its size, and whether it passes validation now', async () => {
    const response = await inject('GET', '/quarantine');
    expect(response.statusCode).toBe(200);
    const { items, next_after_revision: next } = response.json();
    expect(next).toBeNull();
    expect(items.map((item: { revision: number }) => item.revision)).toEqual([0, 1, 2, 3]);
    expect(items[0]).toMatchObject({
      event: 'contact.created',
      delivery_id: 'bad-1',
      reason: expect.stringContaining('data.contact.id'),
      issues: [{ path: 'data.contact.id', message: expect.any(String) }],
      body_bytes: bodyOf(invalid).byteLength,
      status: 'still_invalid',
      stored_as: null,
      position: expect.any(Number),
      received_at: expect.any(String),
    });
    expect(items[1]).toMatchObject({ event: null, delivery_id: null, body_bytes: 8, reason: expect.stringContaining('not JSON'), status: 'still_invalid' });
    expect(items[2]).toMatchObject({ body_bytes: 4, reason: expect.stringContaining('UTF-8') });
    expect(items[3]).toMatchObject({ event: 'contact.created', delivery_id: passesNow.delivery_id, received_at: '2026-03-01T09:00:02.000Z', status: 'passes_now' });
  });

  it('pages by revision', async () => {
    const first = (await inject('GET', '/quarantine?limit=3')).json();
    expect(first.items).toHaveLength(3);
    expect(first.next_after_revision).toBe(2);
    const rest = (await inject('GET', `/quarantine?limit=3&after_revision=${first.next_after_revision}`)).json();
    expect(rest.items.map((item: { revision: number }) => item.revision)).toEqual([3]);
    expect(rest.next_after_revision).toBeNull();
  });

  it('says no retry-all job has run yet', async () => {
    const response = await inject('GET', '/quarantine/retry-all');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('appends what now passes, once, with the original delivery facts, in a background job; what still fails stays', async () => {
    const job = await retryAll();
    expect(job).toMatchObject({ state: 'done', total: 4, retried: 4, outcomes: { appended: 1, duplicate: 0, still_invalid: 3, unavailable: 0 }, error: null });
    expect(job.finished_at).toEqual(expect.any(String));

    const stream = await service.store.readStream('contact-601');
    if (E.isLeft(stream)) throw new Error('contact-601 was not written');
    expect(stream.right).toHaveLength(1);
    expect(stream.right[0]?.data).toEqual(passesNow.data);
    expect(stream.right[0]?.metadata).toMatchObject({
      channel: 'quarantine-retry',
      delivery_id: passesNow.delivery_id,
      envelope_timestamp: passesNow.timestamp,
      received_at: '2026-03-01T09:00:02.000Z',
      signature: 'verified',
      signature_fingerprint: '0a1b2c3d',
      format: 'nested',
      headers: { 'x-skylight-event': 'contact.created' },
      quarantine_event_id: olderQuarantineRecord(passesNow, signedReceipt).id,
    });
    const listed = (await inject('GET', '/quarantine')).json().items;
    expect(listed.map((item: { status: string }) => item.status)).toEqual(['still_invalid', 'still_invalid', 'still_invalid', 'retried']);
    expect(listed[3].stored_as).toEqual({ stream: 'contact-601', event_id: stream.right[0]?.id, position: stream.right[0]?.position });
    expect(await service.runner.waitFor(listed[3].stored_as.position, 5000)).toBe(true);
    expect((await inject('GET', '/contacts/601')).json()).toMatchObject({ id: 601, name: 'Lena Ortiz', partial: false });
  });

  it('reports a second retry as a duplicate and stores nothing new', async () => {
    await retryAll();
    const before = await head();
    const job = await retryAll();
    expect(job.outcomes).toEqual({ appended: 0, duplicate: 1, still_invalid: 3, stream_deleted: 0, unavailable: 0 });
    expect(await head()).toBe(before);
    const one = (await inject('POST', `/quarantine/retry?event_id=${olderQuarantineRecord(passesNow, signedReceipt).id}`)).json();
    expect(one.outcomes).toEqual([expect.objectContaining({ status: 'duplicate', stream: 'contact-601' })]);
    expect(await head()).toBe(before);
  });

  it('starts one retry-all job at a time: a second start while it runs answers 409 with the running job', async () => {
    const [first, second] = await Promise.all([inject('POST', '/quarantine/retry-all'), inject('POST', '/quarantine/retry-all')]);
    expect([first.statusCode, second.statusCode].sort()).toEqual([202, 409]);
    const started = (first.statusCode === 202 ? first : second).json<{ job_id: string }>();
    const refused = (first.statusCode === 409 ? first : second).json<{ job: { job_id: string; state: string } }>();
    expect(refused.job).toMatchObject({ job_id: started.job_id, state: 'running' });
    expect(await finished()).toMatchObject({ job_id: started.job_id, state: 'done' });
  });

  it('answers a retry without an event id with 400 naming it (all of them is POST /quarantine/retry-all)', async () => {
    const response = await inject('POST', '/quarantine/retry');
    expect(response.statusCode).toBe(400);
    expect(response.json<{ detail: string }>().detail).toContain('event_id');
  });

  it('answers 404 for a retry of an event id not in quarantine', async () => {
    expect((await inject('POST', '/quarantine/retry?event_id=00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
  });
});

describe('quarantine when nothing was ever kept', () => {
  const dir = makeTempDir('quarantine-empty');
  let service: Service;
  beforeAll(async () => {
    service = await serviceHarness(dir.path);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('lists nothing and retries nothing', async () => {
    expect((await service.app.inject({ method: 'GET', url: '/quarantine' })).json()).toEqual({ items: [], next_after_revision: null });
    expect((await service.app.inject({ method: 'POST', url: '/quarantine/retry-all' })).json()).toMatchObject({ total: 0, retried: 0 });
    const job = await retryAllEnded(service);
    expect(job).toMatchObject({ state: 'done', total: 0, retried: 0, outcomes: { appended: 0, duplicate: 0, still_invalid: 0, unavailable: 0 } });
  });
});
