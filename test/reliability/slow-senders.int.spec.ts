import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConnectionLimits } from '../../src/http/app.js';
import { bodyOf, nestedExamples } from '../fixtures/reference-deliveries.js';
import { eventually } from '../support/eventually.js';
import { rawClient, type RawClient } from '../support/raw-client.js';
import { makeTempDir } from '../support/temp-dir.js';
import { webhookHarness, type WebhookHarness } from '../support/webhook-app.js';

const MB = 1024 * 1024;
const delivery = (n: number) => bodyOf({ ...nestedExamples[0], delivery_id: `slow-${n}`, data: { contact: { id: 9000 + n, name: `Slow ${n}` } } });

/** Headers of a delivery that declares a 1 MB body. */
const megabyteHead = `POST /webhooks/skylight HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${MB}\r\n\r\n`;

describe('slow senders against the real socket server', () => {
  const dir = makeTempDir('slow');
  afterAll(() => dir.remove());
  let harness: WebhookHarness | undefined;
  const clients: RawClient[] = [];

  const listen = async (connections: ConnectionLimits, maxInflight = 512) => {
    harness = await webhookHarness(dir.path, { connections, maxInflight });
    await harness.app.listen({ port: 0, host: '127.0.0.1' });
    const address = harness.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening on a port');
    let requestsSeen = 0;
    // Node emits 'request' once the headers are parsed; Fastify's own listener (and its onRequest hooks) ran first.
    harness.app.server.on('request', () => (requestsSeen += 1));
    return { port: address.port, requestsSeen: () => requestsSeen };
  };
  const client = async (port: number) => {
    const opened = await rawClient(port);
    clients.push(opened);
    return opened;
  };
  const post = (port: number, body: Buffer) =>
    fetch(`http://127.0.0.1:${port}/webhooks/skylight`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  afterEach(async () => {
    for (const opened of clients.splice(0)) opened.socket.destroy();
    await harness?.close();
    harness = undefined;
  });

  it('counts a delivery in flight from its headers: stalled bodies fill MAX_INFLIGHT_INTAKE, the next gets 429, and the idle timeout frees them', async () => {
    const { port, requestsSeen } = await listen({ requestTimeoutMs: 60_000, headersTimeoutMs: 60_000, connectionTimeoutMs: 1_000, maxConnections: 100 }, 4);
    const stalled = await Promise.all(Array.from({ length: 4 }, () => client(port)));
    // Each declares 1 MB, sends 1,000 bytes, and then nothing.
    for (const stalling of stalled) stalling.socket.write(`${megabyteHead}${' '.repeat(1000)}`);
    await eventually('the server has the headers of all four', () => (requestsSeen() === 4 ? true : undefined));

    const refused = await post(port, delivery(1));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('5');

    // CONNECTION_TIMEOUT_MS closes every stalled socket, none of them answered with a 2xx.
    expect(await Promise.all(stalled.map((stalling) => stalling.closed))).toEqual(['closed', 'closed', 'closed', 'closed']);
    expect(stalled.map((stalling) => stalling.received())).not.toContainEqual(expect.stringMatching(/^HTTP\/1\.1 2/));
    expect((await post(port, delivery(2))).status).toBe(202);
  });

  it('closes a sender that trickles its body without ever going idle once REQUEST_TIMEOUT_MS has passed (408)', async () => {
    const { port } = await listen({ requestTimeoutMs: 1_500, headersTimeoutMs: 1_000, connectionTimeoutMs: 60_000, maxConnections: 100 });
    const trickling = await client(port);
    trickling.socket.write(megabyteHead);
    let bytesSent = 0;
    const drip = setInterval(() => {
      if (!trickling.socket.destroyed) trickling.socket.write(' ', () => (bytesSent += 1));
    }, 100);
    try {
      expect(await trickling.closed).toBe('closed');
    } finally {
      clearInterval(drip);
    }
    expect(trickling.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(bytesSent).toBeLessThan(MB);
  });

  it('closes a sender that trickles its headers once HEADERS_TIMEOUT_MS has passed (408)', async () => {
    const { port, requestsSeen } = await listen({ requestTimeoutMs: 60_000, headersTimeoutMs: 1_000, connectionTimeoutMs: 60_000, maxConnections: 100 });
    const trickling = await client(port);
    trickling.socket.write('POST /webhooks/skylight HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    let header = 0;
    const drip = setInterval(() => {
      if (!trickling.socket.destroyed) trickling.socket.write(`X-Padding-${(header += 1)}: x\r\n`);
    }, 100);
    try {
      expect(await trickling.closed).toBe('closed');
    } finally {
      clearInterval(drip);
    }
    expect(trickling.received()).toMatch(/^HTTP\/1\.1 408/);
    expect(requestsSeen()).toBe(0);
  });

  it('closes keep-alive sockets idle for CONNECTION_TIMEOUT_MS, as it advertises, so idle sockets filling MAX_CONNECTIONS hold out deliveries no longer', async () => {
    const { port } = await listen({ requestTimeoutMs: 60_000, headersTimeoutMs: 60_000, connectionTimeoutMs: 1_000, maxConnections: 4 });
    const idle = await Promise.all(Array.from({ length: 4 }, () => client(port)));
    // One request each, answered, and then nothing: what a client keeping its connections alive looks like.
    for (const opened of idle) opened.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await eventually('each idle client has its answer', () => (idle.every((opened) => opened.received().endsWith('{"status":"ok"}')) ? true : undefined));
    expect(idle.map((opened) => /^keep-alive: (.*)$/im.exec(opened.received())?.[1]?.trim())).toEqual(Array(4).fill('timeout=1'));

    const shutOut = await client(port);
    shutOut.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await shutOut.closed).toBe('closed');
    expect(shutOut.received()).toBe('');

    expect(await Promise.all(idle.map((opened) => opened.closed))).toEqual(Array(4).fill('closed'));
    expect((await post(port, delivery(3))).status).toBe(202);
  });

  it('refuses connections beyond MAX_CONNECTIONS, and takes new ones once others close', async () => {
    const { port } = await listen({ requestTimeoutMs: 60_000, headersTimeoutMs: 60_000, connectionTimeoutMs: 60_000, maxConnections: 3 });
    const held = await Promise.all(Array.from({ length: 3 }, () => client(port)));
    const connections = () =>
      new Promise<number>((resolve, reject) => harness?.app.server.getConnections((error, count) => (error ? reject(error) : resolve(count))));
    await eventually('the server holds the three connections', async () => ((await connections()) === 3 ? true : undefined));
    const extra = await client(port);
    extra.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(await extra.closed).toBe('closed');
    expect(extra.received()).toBe('');

    held[0]?.socket.destroy();
    await eventually('the server has let the closed one go', async () => ((await connections()) === 2 ? true : undefined));
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
  });
});
