import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { eventually } from '../support/eventually.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const SHUTDOWN_BOUND_MS = 10_000;

/** A contact.created of its own contact, so that each delivery is one distinct event. */
const delivery = (n: number) =>
  JSON.stringify({
    event: 'contact.created',
    delivery_id: `shutdown-${n}`,
    timestamp: '2026-03-04T12:00:00.000000Z',
    data: { contact: { id: n, name: `Contact ${n}`, created_at: '2026-03-04T12:00:00.000000Z' } },
  });

const portOf = (url: string) => Number(new URL(url).port);

/** Whether a new TCP connection to the port is accepted right now. */
const acceptsConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/**
 * A delivery whose headers and first half are sent now and the rest only when asked, over a connection the client
 * keeps open afterwards (keep-alive): a request the server has accepted and is still receiving, as a slow
 * provider's would be when SIGTERM arrives.
 */
const halfSentDelivery = async (port: number, body: string) => {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let received = '';
  let answered: (status: number) => void = () => undefined;
  const answer = new Promise<number>((resolve) => (answered = resolve));
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
    const [head = '', rest = ''] = received.split('\r\n\r\n');
    const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? Number.NaN);
    if (Buffer.byteLength(rest) >= length) answered(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0));
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST /webhooks/skylight HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`,
  );
  return {
    /** Sends the rest and resolves with the status code of the answer, leaving the connection open. */
    finish: (): Promise<number> => {
      socket.write(body.slice(half));
      return answer;
    },
    /** Resolves when the server has closed the connection. */
    closed,
    destroy: () => socket.destroy(),
  };
};

type Outcome = { n: number; status?: number; retryAfter?: string | null; error?: string };

/** Fatal errors of a fetch that never got an answer, reduced to their code (ECONNREFUSED, ECONNRESET, ...). */
const connectionError = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
};

describe('a server sent SIGTERM', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let server: ServerProcess | undefined;

  beforeEach(() => {
    dir = makeTempDir('sigterm');
  });
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    dir.remove();
  });

  it('stops accepting connections at once, answers the delivery it had begun receiving, closes the kept-alive connection and exits 0', async () => {
    server = await startServerProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'info' });
    const { output } = server;
    const port = portOf(server.url);
    const slow = await halfSentDelivery(port, delivery(1));
    try {
      // Once its headers are in, the request is the server's: from then on a SIGTERM must not cut it off.
      await eventually('the server logs the request', () => (output().includes('"url":"/webhooks/skylight"') ? true : undefined), 5_000);
      server.child.kill('SIGTERM');
      await eventually('new connections are refused', async () => ((await acceptsConnections(port)) ? undefined : true), 5_000);
      expect(server.child.exitCode, 'still running for the request in flight').toBeNull();
      expect(await slow.finish()).toBe(202);
      // The client keeps its connection; the server closes it rather than wait for the keep-alive timeout.
      await slow.closed;
    } finally {
      slow.destroy();
    }
    expect(await server.exited).toBe(0);

    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    try {
      const stream = await store.readStream('contact-1');
      expect(E.isRight(stream) && stream.right.length).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('under 200 concurrent senders: every 2xx is stored exactly once, nothing else is, and it exits 0 within 10 s', async () => {
    server = await startServerProcess({ DATA_DIR: dir.path });
    const { url } = server;
    const outcomes: Outcome[] = [];
    let next = 0;
    let answered = 0;
    let signalled: (() => void) | undefined;
    const enoughAnswers = new Promise<void>((resolve) => (signalled = resolve));
    // Each sender posts distinct deliveries until the server stops answering 2xx (bounded, in case it never does).
    const sender = async () => {
      for (let sent = 0; sent < 100; sent++) {
        const n = ++next;
        try {
          const response = await fetch(`${url}/webhooks/skylight`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: delivery(n),
            signal: AbortSignal.timeout(15_000),
          });
          await response.arrayBuffer();
          outcomes.push({ n, status: response.status, retryAfter: response.headers.get('retry-after') });
          if (++answered === 600) signalled?.();
          if (response.status >= 300) return;
        } catch (error) {
          outcomes.push({ n, error: connectionError(error) });
          return;
        }
      }
    };
    const senders = Promise.all(Array.from({ length: 200 }, sender));
    await enoughAnswers;
    const signalledAt = Date.now();
    server.child.kill('SIGTERM');
    const code = await server.exited;
    const shutdownMs = Date.now() - signalledAt;
    await senders;

    expect(code).toBe(0);
    expect(shutdownMs).toBeLessThan(SHUTDOWN_BOUND_MS);

    // Answers are 2xx, or 503 for a request that arrived on an open connection while closing; the rest never got in.
    const acknowledged = outcomes.filter((o) => o.status !== undefined && o.status < 300).map((o) => o.n);
    const refusedWhileClosing = outcomes.filter((o) => o.status === 503).map((o) => o.n);
    expect(outcomes.filter((o) => o.status === 503 && o.retryAfter !== '5')).toEqual([]);
    const neverAccepted = outcomes.filter((o) => o.error !== undefined);
    expect(outcomes.filter((o) => o.status !== undefined && o.status >= 300 && o.status !== 503)).toEqual([]);
    expect(new Set(neverAccepted.map((o) => o.error))).toSatisfy((codes: Set<string>) =>
      [...codes].every((c) => ['ECONNREFUSED', 'ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE'].includes(c)),
    );
    expect(acknowledged.length).toBeGreaterThanOrEqual(600);

    // The log: every acknowledged delivery exactly once, and nothing for a delivery that was not acknowledged.
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    const storedContacts: number[] = [];
    try {
      for await (const event of store.readAll()) storedContacts.push(Number(event.stream.replace('contact-', '')));
    } finally {
      await store.close();
    }
    expect(storedContacts.length).toBe(new Set(storedContacts).size);
    expect([...storedContacts].sort((a, b) => a - b)).toEqual([...acknowledged].sort((a, b) => a - b));

    // Both stores were closed cleanly (SQLite folds and removes the WAL when its last connection closes).
    expect(existsSync(join(dir.path, 'events.db-wal'))).toBe(false);
    expect(existsSync(join(dir.path, 'read-model.db-wal'))).toBe(false);
    const readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    const checkpoints = await readModel.catalog.entries();
    await readModel.close();
    expect(checkpoints.every((c) => c.position <= storedContacts.length)).toBe(true);

    // Restarted, the runner resumes from its checkpoint and serves every acknowledged contact.
    server = await startServerProcess({ DATA_DIR: dir.path });
    const served: number[] = [];
    for (let cursor = ''; ; ) {
      const page = await fetch(`${server.url}/contacts?limit=500&min_position=${storedContacts.length}${cursor}`);
      expect(page.status).toBe(200);
      const { items, next_cursor: nextCursor } = (await page.json()) as { items: { id: number }[]; next_cursor: string | null };
      served.push(...items.map((c) => c.id));
      if (nextCursor === null) break;
      cursor = `&cursor=${nextCursor}`;
    }
    expect(served.sort((a, b) => a - b)).toEqual([...acknowledged].sort((a, b) => a - b));

    console.log(
      `graceful shutdown: SIGTERM with 200 senders → exit 0 in ${shutdownMs} ms; ${acknowledged.length} acknowledged, all stored once; ` +
        `${refusedWhileClosing.length} answered 503 while closing, ${neverAccepted.length} never accepted, none of them stored`,
    );
  }, 60_000);
});
