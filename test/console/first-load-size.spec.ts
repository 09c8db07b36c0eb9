import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConsoleRoutes } from '../../src/http/console-route.js';
import { CONSOLE_CSP } from '../../src/http/security-headers.js';
import { routesApp } from '../support/webhook-app.js';

const BUILT = 'dist/console';

/** What the browser fetches to show the console's first view: `/console/` (index.html) and the files it names. */
const firstLoad = (): { url: string; file: string }[] => {
  const html = readFileSync(join(BUILT, 'index.html'), 'utf8');
  const named = [...html.matchAll(/(?:src|href)="\/console\/([^"]+)"/g)].map((match) => match[1] ?? '');
  return [{ url: '/console/', file: 'index.html' }, ...named.map((file) => ({ url: `/console/${file}`, file }))];
};

const DECODERS = { br: brotliDecompressSync, gzip: gunzipSync };

describe('the first load of the built console, as the server sends it', () => {
  let app: FastifyInstance;
  const get = (url: string, acceptEncoding?: string) =>
    app.inject({ method: 'GET', url, headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding } });

  beforeAll(async () => {
    app = await routesApp([(instance) => registerConsoleRoutes(instance, { directory: resolve(BUILT) })]);
  });
  afterAll(() => app.close());

  it('names a script and a style sheet', () => {
    const files = firstLoad().map((asset) => asset.file);
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    expect(files.some((file) => file.endsWith('.css'))).toBe(true);
  });

  it('given a client that accepts br or gzip, then each file comes compressed, the built bytes once decompressed, with the headers of the file as built', async () => {
    for (const { url, file } of firstLoad()) {
      const plain = await get(url);
      for (const [encoding, decode] of Object.entries(DECODERS)) {
        const response = await get(url, `${encoding}, identity`);
        expect(response.statusCode, url).toBe(200);
        expect(response.headers['content-encoding'], url).toBe(encoding);
        expect(response.headers.vary, url).toMatch(/accept-encoding/i);
        expect(decode(response.rawPayload).equals(readFileSync(join(BUILT, file))), `${url} decompressed`).toBe(true);
        expect(response.rawPayload.byteLength, url).toBeLessThan(plain.rawPayload.byteLength);
        for (const header of ['content-type', 'cache-control', 'content-security-policy']) {
          expect(response.headers[header], `${url} ${header}`).toBe(plain.headers[header]);
        }
      }
    }
  });

  it('given a client that accepts neither, then each file comes as built, under the console CSP', async () => {
    for (const { url, file } of firstLoad()) {
      for (const response of [await get(url), await get(url, 'identity'), await get(url, 'deflate')]) {
        expect(response.statusCode, url).toBe(200);
        expect(response.headers['content-encoding'], url).toBeUndefined();
        expect(response.headers.vary, url).toMatch(/accept-encoding/i);
        expect(response.headers['content-security-policy'], url).toBe(CONSOLE_CSP);
        expect(response.rawPayload.equals(readFileSync(join(BUILT, file))), `${url} as built`).toBe(true);
      }
    }
  });

  it('stays under 200 KB compressed, in either encoding', async () => {
    for (const encoding of Object.keys(DECODERS)) {
      const sizes = await Promise.all(
        firstLoad().map(async ({ url }) => ({ url, bytes: (await get(url, encoding)).rawPayload.byteLength })),
      );
      const total = sizes.reduce((sum, size) => sum + size.bytes, 0);
      console.log(`console first load, sent ${encoding}: ${sizes.map((size) => `${size.url} ${size.bytes} B`).join(', ')}; ${total} B in all`);
      expect(total).toBeLessThanOrEqual(200 * 1024);
    }
  });
});
