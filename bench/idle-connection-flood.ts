import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { parseArgs } from 'node:util';
import { withScope } from './scope.js';
import { startBenchServer } from './server-process.js';
import { trafficDeliveries } from './traffic.js';

/**
 * How long sockets that each sent one request and then idle, as many as MAX_CONNECTIONS, shut webhook deliveries out
 * of the real service (issue 24). Loopback only, bounded in sockets and time:
 *
 *   npx tsx bench/idle-connection-flood.ts [--sockets 256] [--connection-timeout-ms 10000]
 */
const { values } = parseArgs({
  options: { sockets: { type: 'string', default: '256' }, 'connection-timeout-ms': { type: 'string', default: '10000' } },
});
const sockets = Math.min(Number(values.sockets), 1024);
const connectionTimeoutMs = Number(values['connection-timeout-ms']);
const GIVE_UP_MS = 120_000;
const ATTEMPT_EVERY_MS = 250;

/** A socket that asks for /health once and then keeps the connection; settles once answered, or undefined when dropped. */
const idleAfterOneRequest = (port: number): Promise<{ socket: Socket; closed: Promise<number> } | undefined> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('error', () => undefined);
    const closed = new Promise<number>((settle) => socket.once('close', () => settle(performance.now())));
    socket.once('connect', () => socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'));
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.endsWith('{"status":"ok"}')) resolve({ socket, closed });
    });
    socket.once('close', () => resolve(undefined));
  });

/** One delivery on a connection of its own: its status, or undefined when the connection was dropped unanswered. */
const deliver = (port: number, body: Buffer): Promise<number | undefined> =>
  new Promise((resolve) => {
    const sent = request(
      { host: '127.0.0.1', port, method: 'POST', path: '/webhooks/skylight', agent: false, timeout: 5_000, headers: { 'content-type': 'application/json' } },
      (response) => {
        response.resume();
        resolve(response.statusCode);
      },
    );
    sent.on('error', () => resolve(undefined));
    sent.on('timeout', () => sent.destroy());
    sent.end(body);
  });

await withScope(async (scope) => {
  const server = await startBenchServer(scope, scope.tempDir('idle-flood'), {
    MAX_CONNECTIONS: String(sockets),
    CONNECTION_TIMEOUT_MS: String(connectionTimeoutMs),
  });
  const port = Number(new URL(server.url).port);
  const idle = (await Promise.all(Array.from({ length: sockets }, () => idleAfterOneRequest(port)))).filter((opened) => opened !== undefined);
  // Topped up one at a time until the server drops one: then every place is held by an idle socket.
  while (idle.length <= sockets) {
    const opened = await idleAfterOneRequest(port);
    if (opened === undefined) break;
    idle.push(opened);
  }
  const filled = performance.now();
  scope.defer(() => idle.forEach(({ socket }) => socket.destroy()));

  const body = Buffer.from(JSON.stringify(trafficDeliveries(1)[0]));
  let refused = 0;
  let accepted: number | undefined;
  while (performance.now() - filled < GIVE_UP_MS) {
    const status = await deliver(port, body);
    if (status !== undefined && status < 300) {
      accepted = performance.now();
      break;
    }
    refused += 1;
    await new Promise((resolve) => setTimeout(resolve, ATTEMPT_EVERY_MS));
  }
  const closedAt = await Promise.race([
    Promise.all(idle.map(({ closed }) => closed)),
    new Promise<undefined>((resolve) => setTimeout(resolve, 1_000, undefined)),
  ]);
  const seconds = (at: number) => ((at - filled) / 1000).toFixed(1);
  console.log(
    `${idle.length} idle keep-alive sockets (MAX_CONNECTIONS=${sockets}, CONNECTION_TIMEOUT_MS=${connectionTimeoutMs}): ` +
      (accepted === undefined ? `no delivery accepted within ${GIVE_UP_MS / 1000} s` : `first delivery accepted after ${seconds(accepted)} s`) +
      `, ${refused} attempts (one per ${ATTEMPT_EVERY_MS} ms) dropped unanswered before; ` +
      (closedAt === undefined ? 'idle sockets still open' : `the server closed the idle sockets ${seconds(Math.min(...closedAt))}–${seconds(Math.max(...closedAt))} s after their answer`),
  );
});
