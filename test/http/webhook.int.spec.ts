import { join } from 'node:path';
import Database from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { micros } from '../../projections/last-writer-wins.js';
import { secretFingerprint, signBody } from '../../src/intake/signature.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import type { EventType } from '../../src/events/domain-event.js';
import { parseEvent } from '../../src/events/parse-event.js';
import { toProjectedEvent } from '../../src/runner/fold-events.js';
import { allExamples, bodyOf, nestedExamples } from '../fixtures/reference-deliveries.js';
import { makeTempDir } from '../support/temp-dir.js';
import { webhookHarness, type WebhookHarness } from '../support/webhook-app.js';

const [created, updated] = nestedExamples as [(typeof nestedExamples)[0], (typeof nestedExamples)[0]];

const post = (harness: WebhookHarness, body: Buffer | string, headers: Record<string, string> = {}) =>
  harness.app.inject({
    method: 'POST',
    url: '/webhooks/skylight',
    payload: body,
    headers: { 'content-type': 'application/json', ...headers },
  });

const streamEvents = async (store: EventStore, stream: string) => {
  const read = await store.readStream(stream);
  return E.isRight(read) ? read.right : [];
};

describe('POST /webhooks/skylight', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let harness: WebhookHarness;

  beforeEach(async () => {
    dir = makeTempDir('webhook');
    harness = await webhookHarness(dir.path);
  });
  afterEach(async () => {
    await harness.close();
    dir.remove();
  });

  it('appends a valid delivery: 202 with the event id, stream and position', async () => {
    const response = await post(harness, bodyOf(created));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({
      status: 'appended',
      event: 'contact.created',
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      stream: 'contact-42',
      position: 1,
    });
  });

  it('round-trips every reference example: stored, read back, normalized to what the payload says', async () => {
    for (const delivery of allExamples) {
      const response = await post(harness, bodyOf(delivery));
      expect(response.statusCode, delivery.event).toBe(202);
      const { stream, event_id: eventId } = response.json();
      const stored = (await streamEvents(harness.store, stream)).find((event) => event.id === eventId);
      expect(stored?.data).toEqual(delivery.data);
      const projected = stored === undefined ? undefined : toProjectedEvent(stored);
      const expected = parseEvent(delivery.event as EventType, delivery.data, () => delivery.timestamp);
      const event = E.isRight(expected) ? expected.right.event : undefined;
      const arrival = { stream, revision: stored?.revision, position: stored?.position, delivery_id: delivery.delivery_id, received_at: stored?.metadata['received_at'] };
      expect(projected).toEqual(E.right({ id: eventId, micros: event === undefined ? undefined : micros(event.occurred_at), event, arrival }));
    }
  });

  it('stores the data exactly as received, with the delivery facts as metadata', async () => {
    await post(harness, bodyOf(created), { 'x-skylight-event': 'contact.created', 'x-skylight-delivery': created.delivery_id, 'x-other': 'no' });
    const [stored] = await streamEvents(harness.store, 'contact-42');
    expect(stored?.data).toEqual(created.data);
    expect(stored?.metadata).toEqual({
      delivery_id: created.delivery_id,
      envelope_timestamp: created.timestamp,
      received_at: '2026-03-04T12:00:01.000Z',
      format: 'nested',
      signature: 'not_configured',
      channel: 'http',
      headers: { 'x-skylight-event': 'contact.created', 'x-skylight-delivery': created.delivery_id },
    });
  });

  it('answers a retry with a new delivery_id as a duplicate naming the original, storing nothing', async () => {
    const first = (await post(harness, bodyOf(created))).json();
    const retry = await post(harness, bodyOf({ ...created, delivery_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }));
    expect(retry.statusCode).toBe(200);
    expect(retry.json()).toEqual({ ...first, status: 'duplicate' });
    expect(await streamEvents(harness.store, 'contact-42')).toHaveLength(1);
  });

  it('still recognises the duplicate after a restart', async () => {
    const first = (await post(harness, bodyOf(created))).json();
    await harness.close();
    harness = await webhookHarness(dir.path);
    const again = await post(harness, bodyOf(created));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ status: 'duplicate', event_id: first.event_id, position: first.position });
  });

  it('stores exactly one event when the same delivery arrives concurrently', async () => {
    const responses = await Promise.all(Array.from({ length: 25 }, () => post(harness, bodyOf(updated))));
    expect(responses.filter((r) => r.statusCode === 202)).toHaveLength(1);
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(24);
    expect(await streamEvents(harness.store, 'contact-42')).toHaveLength(1);
  });

  it('quarantines a known event with invalid data: 202 with the reason, stored whole', async () => {
    const invalid = JSON.stringify({ ...created, data: { contact: { id: 'has spaces' } } });
    const response = await post(harness, invalid);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ status: 'quarantined', reason: expect.stringMatching(/^data\.contact\.id/), stream: 'webhook-quarantine' });
    const [kept] = await streamEvents(harness.store, 'webhook-quarantine');
    expect(kept?.data).toMatchObject({ body_text: invalid, event: 'contact.created' });
  });

  it('keeps an unknown event in the unrecognized stream: 202', async () => {
    const response = await post(harness, bodyOf({ ...created, event: 'invoice.paid' }));
    expect(response.statusCode).toBe(202);
    expect(response.json()).toMatchObject({ status: 'unrecognized', event: 'invoice.paid', stream: 'webhook-unrecognized' });
    expect(await streamEvents(harness.store, 'webhook-unrecognized')).toHaveLength(1);
  });

  it.each([
    ['not JSON', 'not json at all'],
    ['not an envelope', '{"hello":"world"}'],
    ['an empty body', ''],
  ])('answers %s with 400 problem+json, and keeps the body for inspection', async (_name, body) => {
    const response = await post(harness, body);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, title: 'Not a webhook delivery', detail: expect.any(String) });
    expect(await streamEvents(harness.store, 'webhook-quarantine')).toHaveLength(1);
  });

  it('accepts any JSON Content-Type without a secret, and refuses others (a browser may send them cross-origin) with 415, storing nothing', async () => {
    for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/vnd.skylight+json']) {
      expect((await post(harness, bodyOf(created), { 'content-type': type })).statusCode, type).toBeLessThan(300);
    }
    const head = await harness.store.headPosition();
    for (const type of ['text/plain', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const response = await post(harness, bodyOf(updated), { 'content-type': type });
      expect(response.statusCode, type).toBe(415);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const untyped = await harness.app.inject({ method: 'POST', url: '/webhooks/skylight', payload: Buffer.from(bodyOf(updated)) });
    expect(untyped.statusCode).toBe(415);
    expect(await harness.store.headPosition()).toEqual(head);
  });

  it('answers 413 with problem+json for a body over the limit, storing nothing', async () => {
    await harness.close();
    harness = await webhookHarness(dir.path, { maxBodyBytes: 200 });
    const response = await post(harness, bodyOf({ ...created, data: { contact: { id: 1, name: 'x'.repeat(500) } } }));
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect((await harness.store.headPosition())).toEqual(E.right(0));
  });

  it('answers 503 with Retry-After when the store is locked, storing nothing, and recovers', async () => {
    const blocker = new Database(join(dir.path, 'events.db'));
    blocker.exec('BEGIN EXCLUSIVE');
    try {
      const response = await post(harness, bodyOf(created));
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ status: 503, title: 'Event store unavailable' });
    } finally {
      blocker.exec('ROLLBACK');
      blocker.close();
    }
    expect((await post(harness, bodyOf(created))).statusCode).toBe(202);
    expect(await streamEvents(harness.store, 'contact-42')).toHaveLength(1);
  });

  it('answers 429 with Retry-After beyond the in-flight cap', async () => {
    await harness.close();
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    harness = await webhookHarness(dir.path, { store, maxInflight: 2 });
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(harness, bodyOf({ ...updated, data: { contact: { id: i } } }))),
    );
    const limited = responses.filter((r) => r.statusCode === 429);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]?.headers['retry-after']).toBe('5');
    expect(responses.filter((r) => r.statusCode === 202).length + limited.length).toBe(10);
  });

  it('serves GET /health', async () => {
    const response = await harness.app.inject({ method: 'GET', url: '/health' });
    expect(response.json()).toEqual({ status: 'ok' });
  });
});

describe('POST /webhooks/skylight with WEBHOOK_SECRET set', () => {
  const secret = `whsec_${'k'.repeat(64)}`;
  let dir: ReturnType<typeof makeTempDir>;
  let harness: WebhookHarness;

  beforeEach(async () => {
    dir = makeTempDir('webhook-signed');
    harness = await webhookHarness(dir.path, { secret });
  });
  afterEach(async () => {
    await harness.close();
    dir.remove();
  });

  it('accepts a delivery signed over its raw bytes and records that it was verified', async () => {
    const body = Buffer.from(`{ "event":"contact.created",  "delivery_id":"d", "timestamp":"2026-03-04T12:00:00.000000Z", "data":${JSON.stringify(created.data)} }`);
    const response = await post(harness, body, { 'x-skylight-signature': signBody(secret, body) });
    expect(response.statusCode).toBe(202);
    const [stored] = await streamEvents(harness.store, 'contact-42');
    expect(stored?.metadata).toMatchObject({ signature: 'verified', signature_fingerprint: secretFingerprint(secret) });
    expect(JSON.stringify(stored?.metadata)).not.toContain(secret);
  });

  it('accepts a signed delivery under any host name (a reverse proxy\'s; signatures are safe from any origin)', async () => {
    const body = Buffer.from(bodyOf(created));
    const response = await post(harness, body, { host: 'hooks.example.com', 'x-skylight-signature': signBody(secret, body) });
    expect(response.statusCode).toBe(202);
  });

  it('accepts a signed delivery whatever Content-Type it claims, or none (the signature covers the bytes)', async () => {
    const body = Buffer.from(bodyOf(created));
    const signature = { 'x-skylight-signature': signBody(secret, body) };
    expect((await post(harness, body, { ...signature, 'content-type': 'text/plain' })).statusCode).toBe(202);
    const untyped = await harness.app.inject({ method: 'POST', url: '/webhooks/skylight', payload: body, headers: signature });
    expect(untyped.statusCode).toBe(200);
  });

  it.each([
    ['no signature', () => ({})],
    ['a wrong signature', () => ({ 'x-skylight-signature': signBody('whsec_wrong', bodyOf(created)) })],
    ['a signature of another body', () => ({ 'x-skylight-signature': signBody(secret, bodyOf(updated)) })],
  ])('answers 401 to %s and stores nothing', async (_name, headers) => {
    const response = await post(harness, bodyOf(created), headers());
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await harness.store.headPosition()).toEqual(E.right(0));
  });
});
