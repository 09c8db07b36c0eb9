import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsoleRoutes } from '../../src/http/console-route.js';
import { CONSOLE_CSP } from '../../src/http/security-headers.js';
import { makeTempDir } from '../support/temp-dir.js';
import { routesApp } from '../support/webhook-app.js';

const appServing = (directory: string, apiToken?: string) =>
  routesApp([
    (instance) => registerConsoleRoutes(instance, { directory }),
    (instance) => instance.get('/contacts', async () => ({ items: [] })),
  ], apiToken);

describe('the console routes', () => {
  const built = makeTempDir('console-built');
  const empty = makeTempDir('console-empty');
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;
  let guarded: FastifyInstance;

  beforeAll(async () => {
    mkdirSync(join(built.path, 'assets'));
    writeFileSync(join(built.path, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(built.path, 'assets', 'index-abc123.js'), 'export {};');
    app = await appServing(built.path);
    unbuilt = await appServing(empty.path);
    guarded = await appServing(built.path, 'secret-token');
  });
  afterAll(async () => {
    await Promise.all([app.close(), unbuilt.close(), guarded.close()]);
    built.remove();
    empty.remove();
  });

  it('given /, then it redirects to /console/', async () => {
    for (const url of ['/', '/console']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(302);
      expect(response.headers.location).toBe('/console/');
    }
  });

  it('given any console path, then it answers index.html (the browser routes), not cached, under the CSP', async () => {
    for (const url of ['/console/', '/console/contacts/42?as_of=2026-03-04T12:00:00Z', '/console/quarantine']) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<title>console</title>');
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('given a built asset, then it is served by name, cached for good (its name changes with its content)', async () => {
    const response = await app.inject({ method: 'GET', url: '/console/assets/index-abc123.js' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
  });

  it('forbids inline scripts and every other origin', () => {
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("default-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });

  it('leaves the API with its own, stricter CSP', async () => {
    const csp = (await app.inject({ method: 'GET', url: '/contacts' })).headers['content-security-policy'];
    expect(csp).not.toBe(CONSOLE_CSP);
    expect(csp).toContain("default-src 'none'");
  });

  it('given no build, then it says how to build instead of a blank page', async () => {
    const response = await unbuilt.inject({ method: 'GET', url: '/console/' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ title: 'Console not built', detail: expect.stringContaining('npm run build') });
  });

  it('given API_TOKEN, then the console files are open (they hold no data) and the API is not', async () => {
    expect((await guarded.inject({ method: 'GET', url: '/' })).statusCode).toBe(302);
    expect((await guarded.inject({ method: 'GET', url: '/console/contacts/42' })).statusCode).toBe(200);
    expect((await guarded.inject({ method: 'GET', url: '/console/assets/index-abc123.js' })).statusCode).toBe(200);
    expect((await guarded.inject({ method: 'GET', url: '/contacts' })).statusCode).toBe(401);
    expect((await guarded.inject({ method: 'GET', url: '/consoleX' })).statusCode).toBe(401);
  });
});
