import * as E from 'fp-ts/lib/Either.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUARANTINE_STREAM } from '../../src/events/route-delivery.js';
import type { Service } from '../../src/server.js';
import { bodyOf, nestedExamples, type Delivery } from '../fixtures/reference-deliveries.js';
import { olderQuarantineRecord } from '../support/older-quarantine-record.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { routesApp } from '../support/webhook-app.js';

const HOST = '127.0.0.1:3000';
const TOKEN = 'cross-site-spec-token-0123456789abcdef';

/** What a page on another site makes a browser send when it posts a form here: its origin, and how it relates to ours. */
const crossSiteForms: Record<string, Record<string, string>> = {
  'a page on another site': { origin: 'https://evil.com', 'sec-fetch-site': 'cross-site' },
  'a page on a sibling host name of the same site': { origin: 'http://evil.localhost:3000', 'sec-fetch-site': 'same-site' },
  'a browser without Sec-Fetch-Site': { origin: 'https://evil.com' },
  'a sandboxed frame or a redirect (Origin: null)': { origin: 'null' },
};

/** Requests that must keep working: the console (a browser on this origin, sending JSON) and curl or the CLI (no Origin). */
const legitimate: Record<string, Record<string, string>> = {
  'the console': { origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
  'the console in a browser without Sec-Fetch-Site': { origin: `http://${HOST}`, 'content-type': 'application/json' },
  'curl or the CLI': {},
};

const formPost = (url: string, browser: Record<string, string>, headers: Record<string, string> = {}) => ({
  method: 'POST' as const,
  url,
  headers: { host: HOST, 'content-type': 'application/x-www-form-urlencoded', ...browser, ...headers },
  payload: 'a=b',
});

const expectRefusedAsCrossSite = (response: Awaited<ReturnType<FastifyInstance['inject']>>) => {
  expect(response.statusCode).toBe(403);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['content-security-policy']).toContain("default-src 'none'");
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.json()).toMatchObject({ status: 403, title: 'Cross-site request' });
};

/** Valid today, kept by an (imagined) older version: a retry of it appends it. */
const passesNow: Delivery = {
  event: 'contact.created',
  delivery_id: '0b1e6f0a-0701-4d6a-8d0a-000000000701',
  timestamp: '2026-03-01T09:00:00.000000Z',
  data: { contact: { id: 701, name: 'Ines Park', email: 'ines@example', created_at: '2026-03-01T09:00:00.000000Z' } },
};
const kept = olderQuarantineRecord(passesNow);

describe('state-changing routes without API_TOKEN: what a browser sends from another site is refused', () => {
  const dir = makeTempDir('cross-site');
  let service: Service;
  const get = (url: string) => service.app.inject({ method: 'GET', url, headers: { host: HOST } });
  const quarantineStatus = async () => (await get('/quarantine')).json<{ items: { status: string }[] }>().items[0]?.status;

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    expect(E.isRight(await service.store.append(QUARANTINE_STREAM, [kept], 'any'))).toBe(true);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it.each(Object.entries(crossSiteForms))('POST /quarantine/retry-all from %s: 403 problem+json, no job started', async (_from, browser) => {
    expectRefusedAsCrossSite(await service.app.inject(formPost('/quarantine/retry-all', browser)));
    expect((await get('/quarantine/retry-all')).statusCode).toBe(404);
  });

  it.each(Object.entries(crossSiteForms))('POST /quarantine/retry from %s: 403 problem+json, nothing retried', async (_from, browser) => {
    expectRefusedAsCrossSite(await service.app.inject(formPost(`/quarantine/retry?event_id=${kept.id}`, browser)));
    expect(await quarantineStatus()).toBe('passes_now');
  });

  it.each(Object.entries(legitimate))('POST /quarantine/retry from %s is served', async (_from, client) => {
    const response = await service.app.inject({ method: 'POST', url: `/quarantine/retry?event_id=${kept.id}`, headers: { host: HOST, ...client } });
    expect(response.statusCode).toBe(200);
    expect(response.json().outcomes).toHaveLength(1);
  });

  it.each(Object.entries(legitimate))('POST /quarantine/retry-all from %s is served', async (_from, client) => {
    const response = await service.app.inject({ method: 'POST', url: '/quarantine/retry-all', headers: { host: HOST, ...client } });
    // 409: the job another case started still runs; either way the route was reached.
    expect([202, 409]).toContain(response.statusCode);
    expect((await get('/quarantine/retry-all')).statusCode).toBe(200);
  });

  it('leaves the webhook to its own rule: unsigned, only JSON, which no page can post to another origin unasked', async () => {
    const response = await service.app.inject(formPost('/webhooks/skylight', crossSiteForms['a page on another site'] ?? {}));
    expect(response.statusCode).toBe(415);
    const json = await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { host: HOST, 'content-type': 'application/json' }, payload: bodyOf(nestedExamples[0]) });
    expect(json.statusCode).toBe(202);
  });
});

describe('state-changing routes with API_TOKEN', () => {
  const dir = makeTempDir('cross-site-token');
  let service: Service;
  const authorization = `Bearer ${TOKEN}`;

  beforeAll(async () => {
    service = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
    const created = await service.app.inject({
      method: 'POST',
      url: '/webhooks/skylight',
      headers: { host: HOST, 'content-type': 'application/json' },
      payload: bodyOf(nestedExamples[0]),
    });
    expect(created.statusCode).toBe(202);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('refuses POST /contacts/:id/forget from another site even with the token', async () => {
    const response = await service.app.inject(formPost('/contacts/42/forget', crossSiteForms['a page on another site'] ?? {}, { authorization }));
    expectRefusedAsCrossSite(response);
    expect((await service.app.inject({ method: 'GET', url: '/erasures', headers: { host: HOST, authorization } })).json().items).toEqual([]);
  });

  it('serves POST /contacts/:id/forget from the console', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/contacts/42/forget',
      headers: { host: HOST, authorization, ...legitimate['the console'] },
      payload: { reason: 'erasure request of 2026-03-05' },
    });
    expect(response.statusCode).toBe(202);
  });
});

describe('the rule covers every route added to the app', () => {
  it.each(['POST', 'PUT', 'PATCH', 'DELETE'] as const)('refuses a cross-site %s, serves it from this origin, and leaves GET alone', async (method) => {
    const app = await routesApp([(instance) => instance.route({ method: [method, 'GET'], url: '/thing', handler: async () => ({ done: true }) })]);
    try {
      expectRefusedAsCrossSite(await app.inject({ ...formPost('/thing', crossSiteForms['a page on another site'] ?? {}), method }));
      expect((await app.inject({ method, url: '/thing', headers: { host: HOST, ...legitimate['the console'] } })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/thing', headers: { host: HOST, ...crossSiteForms['a page on another site'] } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
