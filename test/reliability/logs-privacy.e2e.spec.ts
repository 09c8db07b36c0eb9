import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signBody } from '../../src/intake/signature.js';
import { skylightTraffic, type TrafficDelivery } from '../support/skylight-traffic.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const SECRET = `whsec_${randomBytes(24).toString('hex')}`;
const TOKEN = `tok_${randomBytes(24).toString('hex')}`;

/** Someone who appears only in the hostile requests below, never in the traffic. */
const STRANGER = { email: 'sarah.private@example.org', phone: '+447700900123', words: 'please call me after nine, my door code is 4711' };

const PERSONAL_FIELDS = new Set(['email', 'phone', 'name', 'content', 'value', 'title', 'subject', 'notes']);

/** Every email, phone, name and message text in the traffic (at any depth of any payload). */
const personalData = (deliveries: readonly TrafficDelivery[]): Set<string> => {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (PERSONAL_FIELDS.has(key) && typeof child === 'string' && child !== '') found.add(child);
      walk(child);
    }
  };
  deliveries.forEach((delivery) => walk(delivery.data));
  return found;
};

/** Which of the secrets occur in the text, as sent or URL-encoded, each with a little context to find it. */
const leaks = (text: string, secrets: Iterable<string>): string[] =>
  [...secrets].flatMap((secret) =>
    [...new Set([secret, encodeURIComponent(secret)])].flatMap((form) => {
      const at = text.indexOf(form);
      return at === -1 ? [] : [`${form} in …${text.slice(Math.max(0, at - 80), at + form.length + 40)}…`];
    }),
  );

type Exchange = { request: string; status: number; body: string };

describe('logs and error responses of a full run, with WEBHOOK_SECRET and API_TOKEN set', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let server: ServerProcess | undefined;

  beforeEach(() => {
    dir = makeTempDir('privacy');
  });
  afterEach(async () => {
    await server?.stop('SIGKILL');
    server = undefined;
    dir.remove();
  });

  it('never carry an email, phone, name, message text, the secret, the token or a signature', async () => {
    const traffic = skylightTraffic({ seed: 23, contacts: 40 });
    const forbidden = new Set([...personalData(traffic), STRANGER.email, STRANGER.phone, STRANGER.words, SECRET, TOKEN]);
    expect(forbidden.size).toBeGreaterThan(100);
    // debug: the most a user would turn on in production, to see more.
    server = await startServerProcess({ DATA_DIR: dir.path, LOG_LEVEL: 'debug', WEBHOOK_SECRET: SECRET, API_TOKEN: TOKEN, MAX_BODY_BYTES: '65536' });
    const { url } = server;
    const exchanges: Exchange[] = [];
    const send = async (path: string, init: RequestInit = {}) => {
      const response = await fetch(`${url}${path}`, init);
      const exchange = { request: `${init.method ?? 'GET'} ${path}`, status: response.status, body: await response.text() };
      exchanges.push(exchange);
      return exchange;
    };
    const signatures: string[] = [];
    const deliver = (body: string | Buffer, signature?: string) => {
      if (signature !== undefined) signatures.push(signature.slice('sha256='.length) || signature);
      return send('/webhooks/skylight', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'x-skylight-signature': signature }) },
        body,
      });
    };
    const signed = (body: string) => deliver(body, signBody(SECRET, Buffer.from(body)));
    const query = (path: string, token = TOKEN) => send(path, { headers: { authorization: `Bearer ${token}` } });

    // The traffic, signed, a few at a time.
    let next = 0;
    const statuses: number[] = [];
    const sender = async () => {
      while (next < traffic.length) statuses.push((await signed(JSON.stringify(traffic[next++]))).status);
    };
    await Promise.all(Array.from({ length: 8 }, sender));
    expect(statuses.every((status) => status === 200 || status === 202)).toBe(true);

    // Signature failures, over bodies full of personal data.
    const body = JSON.stringify({ event: 'contact.created', delivery_id: 'x', timestamp: 1, data: { contact: { id: 9, ...STRANGER } } });
    const failures = [
      await deliver(body),
      await deliver(body, signBody('whsec_wrong', Buffer.from(body))),
      await deliver(body, signBody(SECRET, Buffer.from(body.replace('9', '8')))),
      await deliver(body, 'sha256=zz'),
      await deliver(body, `${signBody(SECRET, Buffer.from(body))}0`),
    ];
    expect(failures.map((f) => f.status)).toEqual([401, 401, 401, 401, 401]);

    // Bodies that intake keeps aside or refuses, signed, each carrying personal data.
    const kept = [
      await signed(JSON.stringify({ event: 'contact.created', delivery_id: 'q', timestamp: 1, data: { contact: { id: ' bad', ...STRANGER } } })),
      await signed(JSON.stringify({ event: 'message.received', delivery_id: 'q', timestamp: STRANGER.phone, data: { message: { id: 1, content: STRANGER.words }, contact: { id: 1 } } })),
      await signed(JSON.stringify({ event: 'contact.created', delivery_id: 'q', timestamp: 1, data: { contact: { id: 3, email: 42, phone: [STRANGER.phone] } } })),
      await signed(JSON.stringify({ event: 'invoice.paid', delivery_id: 'u', timestamp: 1, data: { payer: STRANGER.email } })),
      await signed(`contact ${STRANGER.email} ${STRANGER.phone}: ${STRANGER.words}`),
      await signed(JSON.stringify({ email: STRANGER.email, phone: STRANGER.phone })),
      await signed(`{"event":"contact.created","data":{"email":"${STRANGER.email}"`),
      await signed(JSON.stringify({ event: 'contact.created', delivery_id: 'big', timestamp: 1, data: { contact: { id: 4, notes: `${STRANGER.words} `.repeat(2000) } } })),
    ];
    expect(kept.map((k) => k.status)).toEqual([202, 202, 202, 202, 400, 400, 400, 413]);

    // Queries: wrong or missing tokens, and personal data in query strings (valid and invalid).
    const denied = [
      await query(`/contacts?q=${encodeURIComponent(STRANGER.email)}`, 'wrong-token'),
      await query('/contacts', `${TOKEN}x`),
      await send('/contacts', { headers: { authorization: `Basic ${TOKEN}` } }),
      await send(`/contacts?q=${encodeURIComponent(STRANGER.phone)}`),
    ];
    expect(denied.map((d) => d.status)).toEqual([401, 401, 401, 401]);
    const queried = [
      await query(`/contacts?q=${encodeURIComponent('c1@example.com')}`),
      await query(`/contacts?q=${encodeURIComponent(STRANGER.email)}&limit=0`),
      await query(`/contacts?q=${encodeURIComponent(STRANGER.words)}&blacklisted=${encodeURIComponent(STRANGER.phone)}`),
      await query(`/bookings?contact_id=${encodeURIComponent(STRANGER.phone)}&from=${encodeURIComponent(STRANGER.email)}`),
      await query(`/tickets?priority=${encodeURIComponent(STRANGER.words)}&cursor=${encodeURIComponent(STRANGER.email)}`),
      await query(`/contacts/1?as_of=${encodeURIComponent(STRANGER.phone)}`),
      await query(`/contacts/1/audit?from=${encodeURIComponent(STRANGER.email)}`),
      await query(`/no-such-route?email=${encodeURIComponent(STRANGER.email)}`),
    ];
    expect(queried.map((q) => q.status)).toEqual([200, 400, 400, 400, 400, 400, 400, 404]);

    await server.stop('SIGTERM');
    const log = server.output();
    expect(log, 'signed: no warning about unsigned deliveries').not.toContain('WEBHOOK_SECRET is not set');
    // The log is not empty: every request was logged, so finding nothing in it means something.
    expect(log.match(/"msg":"delivery processed"/g)?.length).toBeGreaterThanOrEqual(traffic.length);
    expect(log).toContain('"url":"/contacts"');

    const errorResponses = exchanges.filter((exchange) => exchange.status >= 400);
    const everySignature = new Set(signatures);
    expect(leaks(log, forbidden)).toEqual([]);
    expect(leaks(log, everySignature)).toEqual([]);
    for (const { request, status, body: text } of errorResponses) {
      expect(leaks(text, forbidden), `${status} to ${request}`).toEqual([]);
      expect(leaks(text, everySignature), `${status} to ${request}`).toEqual([]);
    }
    console.log(
      `logs privacy: ${log.split('\n').length} log lines at debug and ${errorResponses.length} error responses searched for ${forbidden.size + everySignature.size} secrets: none found`,
    );
  }, 60_000);

  it('holds for the CLI too: ingest and its errors print counts, never what the deliveries carry', async () => {
    const traffic = skylightTraffic({ seed: 29, contacts: 20 });
    const forbidden = new Set([...personalData(traffic), STRANGER.email, STRANGER.phone, STRANGER.words, SECRET, TOKEN]);
    const file = join(dir.path, 'export.jsonl');
    const lines = [
      ...traffic.map((delivery) => JSON.stringify(delivery)),
      JSON.stringify({ event: 'contact.created', delivery_id: 'q', timestamp: 1, data: { contact: { id: ' bad', ...STRANGER } } }),
      `contact ${STRANGER.email} ${STRANGER.phone}: ${STRANGER.words}`,
      JSON.stringify({ email: STRANGER.email }),
    ];
    writeFileSync(file, lines.join('\n'));
    const env = { ...process.env, DATA_DIR: dir.path, WEBHOOK_SECRET: SECRET, API_TOKEN: TOKEN, LOG_LEVEL: 'debug' };
    const cli = async (...args: string[]) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env, timeout: 30_000 });
        return { code: 0, output: stdout + stderr };
      } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string };
        return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
      }
    };

    // The last three lines are kept aside (exit 3), each named by its line number and a reason without its content.
    const ingested = await cli('ingest', file);
    expect(ingested.code).toBe(3);
    expect(ingested.output).toContain(`${lines.length} deliveries`);
    expect(ingested.output).toContain(`line ${lines.length}: `);
    const asJson = await cli('ingest', file, '--json');
    expect(asJson.code).toBe(3);
    const refused = [
      await cli('contacts', 'list', '--q', STRANGER.email, '--limit', STRANGER.phone),
      await cli('bookings', 'list', '--from', STRANGER.email),
      await cli('contact', 'show', STRANGER.email),
    ];
    expect(refused.map((r) => r.code === 0)).toEqual([false, false, false]);

    for (const { output } of [ingested, asJson, ...refused]) expect(leaks(output, forbidden)).toEqual([]);
  }, 60_000);
});
