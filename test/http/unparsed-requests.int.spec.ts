import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { rawClient } from '../support/raw-client.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

type RawAnswer = { readonly status: number; readonly headers: ReadonlyMap<string, string>; readonly body: string };

/** Sends `head` as it is (inject would refuse or normalise it) and reads the answer once the server has closed. */
const answerTo = async (port: number, head: string): Promise<RawAnswer> => {
  const client = await rawClient(port);
  client.socket.write(head);
  await client.closed;
  const [top = '', body = ''] = client.received().split('\r\n\r\n');
  const [statusLine = '', ...lines] = top.split('\r\n');
  const headers = new Map(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
};

const expectProblemWithSecurityHeaders = (answer: RawAnswer, status: number, title: string) => {
  expect(answer.status).toBe(status);
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(answer.body)).toMatchObject({ type: 'about:blank', status, title });
  expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  expect(answer.headers.get('x-frame-options')).toBe('SAMEORIGIN');
  expect(answer.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(answer.headers.get('cache-control')).toBe('no-store');
};

describe('requests the router never sees, over a real socket', () => {
  const dir = makeTempDir('unparsed');
  let service: Service;
  let port = 0;

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    await service.app.listen({ port: 0, host: '127.0.0.1' });
    const address = service.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening on a port');
    port = address.port;
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it.each([
    ['a method HTTP does not know', 'FOO / HTTP/1.1'],
    ['a WebDAV method no route implements', 'PROPFIND /health HTTP/1.1'],
  ])('answers %s with 501 problem+json and the security headers', async (_what, requestLine) => {
    expectProblemWithSecurityHeaders(await answerTo(port, `${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`), 501, 'Not implemented');
  });

  it.each([
    ['with a control character in a header name', 'GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Bad\u0001: y\r\n\r\n'],
    ['with both Content-Length and Transfer-Encoding', 'POST /health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n'],
  ])('answers a request %s with 400 problem+json and the security headers', async (_what, head) => {
    expectProblemWithSecurityHeaders(await answerTo(port, head), 400, 'Bad request');
  });

  it('answers headers over the size limit with 431 problem+json and the security headers', async () => {
    const head = `GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${'x'.repeat(20 * 1024)}\r\n\r\n`;
    expectProblemWithSecurityHeaders(await answerTo(port, head), 431, 'Request header fields too large');
  });

  it('titles the 403 of a path out of the documentation assets as what it is', async () => {
    const answer = await answerTo(port, 'GET /docs/static/../.. HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 403, title: 'Forbidden' });
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});
