import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { secretFingerprint, signBody } from '../../src/intake/signature.js';
import type { Service } from '../../src/server.js';
import { bodyOf, nestedExamples } from '../fixtures/reference-deliveries.js';
import { prometheusSamples } from '../support/prometheus-text.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const OLD_SECRET = `whsec_${'o'.repeat(40)}`;
const NEW_SECRET = `whsec_${'n'.repeat(40)}`;
const TOKEN = 't'.repeat(32);

const contact = (id: number) =>
  JSON.stringify({
    event: 'contact.created',
    delivery_id: `d-${id}`,
    timestamp: '2026-03-04T12:00:00.000000Z',
    data: { contact: { id, name: `Contact ${id}`, created_at: '2026-03-04T12:00:00.000000Z' } },
  });

describe('GET /metrics after known traffic', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let service: Service;

  const post = (body: string, secret: string | null = NEW_SECRET) =>
    service.app.inject({
      method: 'POST',
      url: '/webhooks/skylight',
      payload: body,
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-skylight-signature': signBody(secret, Buffer.from(body)) }) },
    });
  const get = (url: string, token: string | null = TOKEN) =>
    service.app.inject({ method: 'GET', url, headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const scrape = async () => {
    const response = await get('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return prometheusSamples(response.body);
  };

  beforeEach(async () => {
    dir = makeTempDir('metrics');
    service = await serviceHarness(dir.path, {
      WEBHOOK_SECRET: `${NEW_SECRET},${OLD_SECRET}`,
      API_TOKEN: TOKEN,
      MAX_BODY_BYTES: '4096',
    });
  });
  afterEach(async () => {
    await service.close();
    dir.remove();
  });

  it('counts every delivery by outcome, verifications per secret, requests per route, and reports the projections', async () => {
    // Given: each outcome a known number of times.
    const answers = [
      await post(contact(1)),
      await post(contact(2), OLD_SECRET),
      await post(contact(3)),
      await post(contact(1)), // duplicate
      await post(JSON.stringify({ event: 'contact.created', delivery_id: 'bad', timestamp: 1, data: { contact: { name: 'no id' } } })),
      await post(JSON.stringify({ event: 'invoice.paid', delivery_id: 'u', timestamp: 1, data: { id: 1 } })),
      await post('not json'),
      await post(contact(4), `whsec_${'x'.repeat(40)}`),
      await post(contact(5), null),
      await post(JSON.stringify({ event: 'contact.created', data: { padding: 'x'.repeat(5000) } })),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([202, 202, 202, 200, 202, 202, 400, 401, 401, 413]);
    // A store locked by another process: refused, counted as unavailable and as a store error.
    const blocker = new Database(join(dir.path, 'events.db'));
    blocker.exec('BEGIN EXCLUSIVE');
    const refused = await post(contact(6));
    blocker.exec('ROLLBACK');
    blocker.close();
    expect(refused.statusCode).toBe(503);
    const last = answers[2]?.json() as { position: number };
    expect((await get(`/contacts/3?min_position=${last.position}`)).statusCode).toBe(200);
    expect((await get('/contacts/999')).statusCode).toBe(404);
    expect((await get('/metrics', null)).statusCode).toBe(401);

    // When scraped
    const samples = await scrape();

    // Then the counts are exactly the traffic's.
    const deliveries = (outcome: string) => samples.get(`skylight_deliveries_total{outcome="${outcome}"}`);
    expect(
      ['appended', 'duplicate', 'quarantined', 'unrecognized', 'rejected', 'unauthorized', 'too_large', 'throttled', 'unavailable', 'error'].map(
        (outcome) => [outcome, deliveries(outcome)],
      ),
    ).toEqual([
      ['appended', 3],
      ['duplicate', 1],
      ['quarantined', 1],
      ['unrecognized', 1],
      ['rejected', 1],
      ['unauthorized', 2],
      ['too_large', 1],
      ['throttled', 0],
      ['unavailable', 1],
      ['error', 0],
    ]);
    expect(samples.get('skylight_intake_duration_seconds_count')).toBe(11);
    // Appends reach the store for all but the unauthorized and the too large, and the duplicate's attempt is one more.
    expect(samples.get('skylight_store_append_duration_seconds_count')).toBe(9);
    expect(samples.get('skylight_store_errors_total{operation="append",kind="store_unavailable"}')).toBe(1);
    expect(samples.get(`skylight_signature_verifications_total{fingerprint="${secretFingerprint(NEW_SECRET)}"}`)).toBe(7);
    expect(samples.get(`skylight_signature_verifications_total{fingerprint="${secretFingerprint(OLD_SECRET)}"}`)).toBe(1);
    expect(samples.get('skylight_http_requests_total{route="/webhooks/skylight",method="POST",status="202"}')).toBe(5);
    expect(samples.get('skylight_http_requests_total{route="/contacts/:id",method="GET",status="200"}')).toBe(1);
    expect(samples.get('skylight_http_requests_total{route="/contacts/:id",method="GET",status="404"}')).toBe(1);
    expect(samples.get('skylight_http_requests_total{route="/metrics",method="GET",status="401"}')).toBe(1);
    expect(samples.get('skylight_quarantine_deliveries')).toBe(2);
    // Caught up (the query waited for the last position): no lag, checkpoint at the head.
    const head = 7;
    for (const projection of ['contacts', 'bookings', 'tickets', 'conversations', 'deliveries']) {
      expect(samples.get(`skylight_projection_checkpoint_position{projection="${projection}"}`), projection).toBe(head);
      expect(samples.get(`skylight_projection_lag_events{projection="${projection}"}`), projection).toBe(0);
      expect(samples.get(`skylight_projection_lag_seconds{projection="${projection}"}`), projection).toBe(0);
      expect(samples.get(`skylight_projection_unreadable_events{projection="${projection}"}`), projection).toBe(0);
    }
    expect(samples.get('skylight_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(await service.metrics.deliveriesByOutcome()).toMatchObject({ appended: 3, unauthorized: 2, too_large: 1 });
  });

  it('counts deliveries asked to come back later as throttled, one for each 429 answered', async () => {
    await service.close();
    service = await serviceHarness(dir.path, { WEBHOOK_SECRET: NEW_SECRET, API_TOKEN: TOKEN, MAX_INFLIGHT_INTAKE: '1' });
    const answers = await Promise.all(nestedExamples.map((delivery) => post(bodyOf(delivery).toString())));
    const throttled = answers.filter((a) => a.statusCode === 429).length;
    expect(throttled).toBeGreaterThan(0);
    const samples = await scrape();
    expect(samples.get('skylight_deliveries_total{outcome="throttled"}')).toBe(throttled);
    expect(samples.get('skylight_deliveries_total{outcome="appended"}')).toBe(answers.length - throttled);
  });
});
