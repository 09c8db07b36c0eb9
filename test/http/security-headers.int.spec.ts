import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { bodyOf, nestedExamples } from '../fixtures/reference-deliveries.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const TOKEN = `tok_${'h'.repeat(40)}`;

describe('security headers', () => {
  const dir = makeTempDir('headers');
  let service: Service;
  const get = (url: string, authorization = `Bearer ${TOKEN}`) => service.app.inject({ method: 'GET', url, headers: { authorization } });

  beforeAll(async () => {
    service = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
    const head = await postDeliveries(service.app, [nestedExamples[0]]);
    expect(await service.runner.waitFor(head, 10_000)).toBe(true);
    // Stored before intake took only decimal ids: such a stream is still read, and its id still names a download.
    const older = { id: 'b5a4c1e2-0000-4000-8000-000000000007', type: 'contact.created', data: { contact: { id: 'crm:7', name: 'Colon' } }, metadata: {} };
    expect(E.isRight(await service.store.append('contact-crm:7', [older], 'any'))).toBe(true);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it.each([
    ['a contact', '/contacts/42'],
    ['a list', '/contacts?q=sarah'],
    ['an audit trail', '/contacts/42/audit'],
    ['raw history', '/contacts/42/history'],
    ['quarantine', '/quarantine'],
    ['a 404', '/contacts/404'],
  ])('answers %s with nosniff, a CSP that loads nothing and forbids framing, and no-store', async (_what, url) => {
    const response = await get(url);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toBe("default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'");
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['cross-origin-resource-policy']).toBe('same-origin');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('sends the headers also with a 401 refused before any route', async () => {
    const response = await get('/contacts/42', 'Bearer wrong');
    expect(response.statusCode).toBe(401);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('serves /docs under its own CSP: same-origin scripts and styles, nothing from elsewhere, no framing', async () => {
    const page = await get('/docs');
    expect(page.statusCode).toBe(200);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https:|unsafe-inline|unsafe-eval/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
  });

  it('sends an audit CSV as an attachment with a safe file name', async () => {
    const csv = await get('/contacts/42/audit?format=csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="contact-42-audit.csv"');
    const colon = await get('/contacts/crm:7/audit?format=csv');
    expect(colon.statusCode).toBe(200);
    expect(colon.headers['content-disposition']).toBe('attachment; filename="contact-crm_7-audit.csv"');
  });

  it('sends the webhook answer with the same headers', async () => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/webhooks/skylight',
      headers: { 'content-type': 'application/json' },
      payload: bodyOf(nestedExamples[0]),
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});
