import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

const unreadableText = JSON.stringify({ event: 'contact.created', delivery_id: 'bad-1', timestamp: '2026-03-04T12:00:00Z', data: { contact: { name: '<b>no id</b>' } } });
const notUtf8 = Buffer.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);

describe('GET /quarantine/{revision}/body: the bytes a kept delivery arrived with', () => {
  const dir = makeTempDir('quarantine-body');
  let service: Service;
  const get = (url: string) => service.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    // Both are kept: the first as unreadable data (202), the second as not a delivery at all (400, kept_as).
    const answers = [];
    for (const payload of [Buffer.from(unreadableText), notUtf8]) answers.push(await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload }));
    expect(answers[0]?.json().status).toBe('quarantined');
    expect(answers[1]?.json().kept_as).toEqual(expect.any(String));
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('given a UTF-8 body, then it is returned as that text, unchanged', async () => {
    const response = await get('/quarantine/0/body');
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ revision: 0, encoding: 'utf8', body: unreadableText });
  });

  it('given bytes that are not UTF-8, then they are returned in base64', async () => {
    const body = (await get('/quarantine/1/body')).json();
    expect(body.encoding).toBe('base64');
    expect(Buffer.from(body.body, 'base64')).toEqual(notUtf8);
  });

  it('given a revision quarantine does not hold, then 404', async () => {
    expect((await get('/quarantine/2/body')).statusCode).toBe(404);
    expect((await get('/quarantine/x/body')).statusCode).toBe(400);
  });
});
