import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { MAX_ENTITY_ID_LENGTH } from '../../src/events/entity-id.js';
import { bodyOf, flatExamples, nestedExamples, undocumentedBookingExamples } from '../fixtures/reference-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

describe('query API over the reference deliveries', () => {
  const dir = makeTempDir('queries');
  let service: Service;
  let lastPosition = 0;
  const get = (url: string, headers: Record<string, string> = {}) => service.app.inject({ method: 'GET', url, headers });
  const json = async (url: string) => (await get(url)).json();

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    const all = [...nestedExamples, ...undocumentedBookingExamples, ...flatExamples];
    for (const delivery of all) {
      const response = await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(delivery) });
      lastPosition = Math.max(lastPosition, response.json().position);
    }
    expect(await service.runner.waitFor(lastPosition, 5000)).toBe(true);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it.each(['/contacts/%ff', '/contacts/%ff/audit', '/bookings/%E0%A4%A', '/contacts/%'])(
    'answers a URL the router cannot decode (%s) with 400 problem+json that does not echo it',
    async (url) => {
      const response = await get(url);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.json()).toMatchObject({ title: 'Bad request', detail: 'the URL is not valid' });
      expect(response.body).not.toContain('%');
    },
  );

  it('answers a deleted contact with 410 and its tombstone', async () => {
    const response = await get('/contacts/42');
    expect(response.statusCode).toBe(410);
    expect(response.json()).toMatchObject({
      id: 42,
      name: 'Sarah M. Johnson',
      email: 'sarah@example.com',
      tags: ['vip'],
      deleted: true,
      deleted_at: '2026-03-04T14:00:00.000000Z',
    });
  });

  it('returns every timestamp exactly as it was received', async () => {
    const contact = await json('/contacts/42');
    expect(contact.created_at).toBe('2026-03-04T12:00:00.000000Z');
    expect(contact.updated_at).toBe('2026-03-04T12:05:00.000000Z');
  });

  it('answers 404 problem+json for an unknown contact', async () => {
    const response = await get('/contacts/999');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
  });

  it("keeps a deleted contact's conversation", async () => {
    const response = await get('/contacts/42/conversation');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      contact_id: 42,
      inbound_count: 1,
      outbound_count: 1,
      last_message_at: '2026-03-04T13:02:00.000000Z',
      awaiting_reply: false,
      messages: [{ id: 201, direction: 'inbound' }, { id: 202, direction: 'outbound' }],
    });
  });

  it('shows a booking cancelled after its creation', async () => {
    expect(await json('/bookings/101')).toMatchObject({
      id: 101,
      contact_id: 42,
      status: 'cancelled',
      title: 'Consultation – Sarah Johnson',
      starts_at: '2026-03-10T14:00:00.000000Z',
      cancelled_at: '2026-03-05T09:00:00.000000Z',
      anomalies: [],
    });
  });

  it('shows a booking known only from its update and completion as partial', async () => {
    expect(await json('/bookings/102')).toMatchObject({ id: 102, status: 'completed', starts_at: '2026-03-11T10:00:00.000000Z', partial: true });
  });

  it('shows the ticket', async () => {
    expect(await json('/tickets/55')).toMatchObject({ id: 55, contact_id: 42, subject: 'Issue with booking confirmation', status: 'open', priority: 'normal' });
  });

  it('reads the flat format into the same views', async () => {
    const response = await get('/contacts/77');
    expect(response.statusCode).toBe(410);
    expect(response.json()).toMatchObject({ id: 77, blacklisted: true, company: 'Haddad Trading LLC' });
    expect(await json('/contacts/77/conversation')).toMatchObject({ inbound_count: 1, awaiting_reply: true });
  });

  it('lists contacts without deleted ones unless asked', async () => {
    expect((await json('/contacts')).items).toEqual([]);
    const all = await json('/contacts?include_deleted=true');
    expect(all.items.map((c: { id: number }) => c.id)).toEqual([42, 77]);
    expect((await json('/contacts?include_deleted=true&tag=vip')).items.map((c: { id: number }) => c.id)).toEqual([42]);
    expect((await json('/contacts?include_deleted=true&blacklisted=true')).items.map((c: { id: number }) => c.id)).toEqual([77]);
    expect((await json('/contacts?include_deleted=true&q=HADDAD')).items.map((c: { id: number }) => c.id)).toEqual([77]);
  });

  it('summarises a contact', async () => {
    expect(await json('/contacts/42/summary')).toEqual({
      contact_id: 42,
      bookings: { cancelled: 1, completed: 1 },
      open_tickets: 1,
      messages: 2,
      last_activity_at: '2026-03-11T11:05:00.000000Z',
    });
  });

  it('filters bookings by status, contact and start time', async () => {
    const ids = async (query: string) => (await json(`/bookings?${query}`)).items.map((b: { id: number }) => b.id);
    expect(await ids('')).toEqual([101, 102]);
    expect(await ids('status=cancelled')).toEqual([101]);
    expect(await ids('contact_id=42')).toEqual([101, 102]);
    expect(await ids('from=2026-03-11T00:00:00Z')).toEqual([102]);
    expect(await ids('to=2026-03-10T23:59:59Z')).toEqual([101]);
  });

  it('filters tickets', async () => {
    expect((await json('/tickets?status=open&priority=normal&contact_id=42')).items).toHaveLength(1);
    expect((await json('/tickets?priority=high')).items).toHaveLength(0);
  });

  it('pages with an opaque cursor', async () => {
    const first = await json('/bookings?limit=1');
    expect(first.items.map((b: { id: number }) => b.id)).toEqual([101]);
    const second = await json(`/bookings?limit=1&cursor=${first.next_cursor}`);
    expect(second.items.map((b: { id: number }) => b.id)).toEqual([102]);
    expect(second.next_cursor).toBeNull();
  });

  it.each([
    ['/bookings?limit=0', 'limit'],
    ['/bookings?limit=100000', 'limit'],
    ['/bookings?status=lost', 'status'],
    ['/bookings?from=yesterday', 'from'],
    ['/contacts?blacklisted=maybe', 'blacklisted'],
    ['/contacts?cursor=%%%', 'cursor'],
    ['/tickets?min_position=-1', 'min_position'],
  ])('answers %s with 400 problem+json naming the parameter', async (url, parameter) => {
    const response = await get(url);
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(response.json().detail).toContain(parameter);
  });

  it('answers a query with min_position once the read model has applied it', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/webhooks/skylight',
      headers: { 'content-type': 'application/json' },
      payload: bodyOf({ ...nestedExamples[0], data: { contact: { id: 500, name: 'Fresh', created_at: '2026-03-04T12:00:00Z' } } }),
    });
    const { position } = response.json();
    const fresh = await get(`/contacts/500?min_position=${position}`);
    expect(fresh.statusCode).toBe(200);
    expect(fresh.json()).toMatchObject({ id: 500, name: 'Fresh' });
  });

  it('answers 400 at once for a min_position beyond the log head, which no intake response can have given', async () => {
    const head = (await json('/ready')).head_position;
    const response = await get(`/contacts/42?min_position=${head + 960}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      detail: `querystring/min_position: position ${head + 960} is beyond the log's head (${head}); no event has it yet`,
      head_position: head,
    });
  });

  it('reports readiness with the head and each checkpoint', async () => {
    const ready = await json('/ready');
    expect(ready).toMatchObject({ status: 'ready', store: 'sqlite', head_position: expect.any(Number) });
    expect(ready.projections.map((p: { name: string }) => p.name).sort()).toEqual(['bookings', 'contacts', 'conversations', 'deliveries', 'tickets']);
  });

  it('serves an OpenAPI document generated from the schemas', async () => {
    const doc = await json('/docs/json');
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/contacts/{id}', '/bookings', '/tickets', '/webhooks/skylight']));
    expect(doc.paths['/bookings'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'from', 'to', 'cursor']));
  });

  it(`looks up any id intake takes (up to ${MAX_ENTITY_ID_LENGTH} characters), and answers a longer one with 414 problem+json`, async () => {
    // Intake takes ids of decimal digits only, of any length; so long an id must still be a path parameter.
    const longest = `1${'0'.repeat(MAX_ENTITY_ID_LENGTH - 1)}`;
    const created = { ...nestedExamples[0], delivery_id: 'longest-id', data: { contact: { id: longest, name: 'Long Id' } } };
    const response = await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(created) });
    expect(response.statusCode).toBe(202);
    const found = await get(`/contacts/${longest}?min_position=${response.json<{ position: number }>().position}`);
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ id: longest, name: 'Long Id' });
    const tooLong = await get(`/contacts/${longest}x`);
    expect(tooLong.statusCode).toBe(414);
    expect(tooLong.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(tooLong.body).not.toContain(longest);
  });
});

describe('query API with API_TOKEN', () => {
  const dir = makeTempDir('token');
  let service: Service;
  beforeAll(async () => {
    service = await serviceHarness(dir.path, { API_TOKEN: 's3cret-token-of-at-least-32-characters' });
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('requires the bearer token on queries', async () => {
    expect((await service.app.inject({ method: 'GET', url: '/contacts' })).statusCode).toBe(401);
    expect((await service.app.inject({ method: 'GET', url: '/contacts', headers: { authorization: 'Bearer wrong' } })).statusCode).toBe(401);
    const ok = await service.app.inject({ method: 'GET', url: '/contacts', headers: { authorization: 'Bearer s3cret-token-of-at-least-32-characters' } });
    expect(ok.statusCode).toBe(200);
  });

  it('serves the documentation openly, so a browser can open it, declaring the bearer scheme for its requests', async () => {
    const page = await service.app.inject({ method: 'GET', url: '/docs/' });
    expect([page.statusCode, page.headers['content-type']]).toEqual([200, expect.stringContaining('text/html')]);
    const doc = await service.app.inject({ method: 'GET', url: '/docs/json' });
    expect(doc.statusCode).toBe(200);
    expect(doc.json()).toMatchObject({ components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }, security: [{ bearer: [] }] });
    for (const sneaky of ['/docs/../contacts', '/docs/%2e%2e/contacts', '/docsx', '/contacts?x=/docs/']) {
      const response = await service.app.inject({ method: 'GET', url: sneaky });
      expect([sneaky, response.body]).not.toEqual([sneaky, expect.stringContaining('"items"')]);
      expect([sneaky, response.statusCode]).not.toEqual([sneaky, 200]);
    }
  });

  it('refuses a URL the router cannot decode without the token with 401, as any other', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/contacts/%ff' });
    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    const authorized = await service.app.inject({ method: 'GET', url: '/contacts/%ff', headers: { authorization: 'Bearer s3cret-token-of-at-least-32-characters' } });
    expect(authorized.statusCode).toBe(400);
  });

  it('takes the Bearer scheme in any case, and nothing but Bearer', async () => {
    const withAuthorization = (authorization: string) => service.app.inject({ method: 'GET', url: '/contacts', headers: { authorization } });
    for (const scheme of ['bearer', 'BEARER', 'BeArEr']) {
      expect((await withAuthorization(`${scheme} s3cret-token-of-at-least-32-characters`)).statusCode, scheme).toBe(200);
    }
    for (const wrong of ['Basic s3cret-token-of-at-least-32-characters', 'Bearers3cret-token-of-at-least-32-characters', 'Bearer ']) {
      expect((await withAuthorization(wrong)).statusCode, wrong).toBe(401);
    }
  });

  it('leaves /health and the webhook open', async () => {
    expect((await service.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const webhook = await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(nestedExamples[0]) });
    expect(webhook.statusCode).toBe(202);
  });
});

describe('without API_TOKEN: only loopback host names (DNS rebinding)', () => {
  const dir = makeTempDir('rebinding');
  let service: Service;
  const withHost = (host: string, url = '/contacts') => service.app.inject({ method: 'GET', url, headers: { host } });
  beforeAll(async () => {
    service = await serviceHarness(dir.path);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it.each(['localhost', 'localhost:3000', 'LOCALHOST:3000', '127.0.0.1:3000', '127.1.2.3', '[::1]:3000', '[::1]'])('serves Host: %s', async (host) => {
    expect((await withHost(host)).statusCode).toBe(200);
  });

  it.each(['attacker.example', 'attacker.example:3000', '127.0.0.1.attacker.example', 'localhost.attacker.example', '0.0.0.0:3000', '[::2]:3000'])(
    'answers Host: %s with 421 problem+json, on every route, the unsigned webhook included',
    async (host) => {
      for (const url of ['/contacts', '/contacts/42', '/docs/json', '/quarantine', '/health']) {
        const response = await withHost(host, url);
        expect(response.statusCode, url).toBe(421);
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(response.body).not.toContain(host);
      }
      const webhook = await service.app.inject({
        method: 'POST',
        url: '/webhooks/skylight',
        headers: { host, 'content-type': 'application/json' },
        payload: bodyOf(nestedExamples[0]),
      });
      expect(webhook.statusCode).toBe(421);
    },
  );

  it('refuses a URL the router cannot decode under another host name with 421, as any other', async () => {
    expect((await withHost('attacker.example', '/contacts/%ff')).statusCode).toBe(421);
  });

  it('serves any host name once API_TOKEN is set (the token protects it)', async () => {
    const tokenDir = makeTempDir('rebinding-token');
    const token = `tok_${'r'.repeat(40)}`;
    const withToken = await serviceHarness(tokenDir.path, { API_TOKEN: token });
    try {
      const response = await withToken.app.inject({ method: 'GET', url: '/contacts', headers: { host: 'api.example', authorization: `Bearer ${token}` } });
      expect(response.statusCode).toBe(200);
    } finally {
      await withToken.close();
      tokenDir.remove();
    }
  });
});

describe('start-up', () => {
  const token = `tok_${'t'.repeat(40)}`;
  const secret = `whsec_${'s'.repeat(64)}`;

  it.each([
    [{}, 'API_TOKEN'],
    [{ WEBHOOK_SECRET: secret }, 'API_TOKEN'],
    [{ API_TOKEN: token }, 'WEBHOOK_SECRET'],
  ])('refuses a non-loopback HOST with only %j, naming %s', async (env, variable) => {
    const dir = makeTempDir('host');
    try {
      await expect(serviceHarness(dir.path, { HOST: '0.0.0.0', ...env })).rejects.toThrow(new RegExp(`^${variable}: required with a non-loopback HOST`));
    } finally {
      dir.remove();
    }
  });

  it('starts on a non-loopback HOST with both a token and a secret', async () => {
    const dir = makeTempDir('host');
    try {
      const service = await serviceHarness(dir.path, { HOST: '0.0.0.0', API_TOKEN: token, WEBHOOK_SECRET: secret });
      await service.close();
    } finally {
      dir.remove();
    }
  });
});

describe('query parameters on every route', () => {
  const dir = makeTempDir('strict-query');
  let service: Service;
  beforeAll(async () => {
    service = await serviceHarness(dir.path);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('answer 400 naming a parameter the route does not take, on every GET route of the OpenAPI document', async () => {
    const doc = (await service.app.inject({ method: 'GET', url: '/docs/json' })).json<{ paths: Record<string, { get?: unknown }> }>();
    const routes = Object.entries(doc.paths)
      .filter(([path, operations]) => operations.get !== undefined && !path.startsWith('/docs'))
      .map(([path]) => path.replace('{id}', '42').replace('{revision}', '0'));
    expect(routes).toEqual(expect.arrayContaining(['/contacts', '/contacts/42', '/tickets/42', '/quarantine', '/ready']));
    for (const route of routes) {
      const response = await service.app.inject({ method: 'GET', url: `${route}?tags=vip` });
      expect([route, response.statusCode, response.json().detail]).toEqual([route, 400, 'querystring/: Unrecognized key: "tags"']);
    }
  });

  it('answer 400 for as_of on tickets, which have no time travel', async () => {
    const response = await service.app.inject({ method: 'GET', url: '/tickets/72?as_of=2026-03-04T12:00:00Z' });
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toContain('as_of');
  });
});
