import { createHash } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProviderEventType as isEventType } from '../../src/events/parse-event.js';
import { QUARANTINE_STREAM, UNRECOGNIZED_STREAM, type QuarantineRecordData } from '../../src/events/route-delivery.js';
import { isJsonMediaType } from '../../src/http/webhook-route.js';
import type { RecordedEvent } from '../../src/store/event-store.js';
import { makeTempDir } from '../support/temp-dir.js';
import { webhookHarness, type WebhookHarness } from '../support/webhook-app.js';
import {
  byteOrderMarkCase,
  contentTypeCase,
  deepNestingCase,
  describedCases,
  hugeValueCase,
  invalidUtf8Case,
  nestedText,
  prototypeKeyCase,
  randomBodyCase,
  truncatedCase,
  validCase,
  wrongIdCase,
  wrongTimestampCase,
  wrongTypeCase,
  type HostileCase,
} from './hostile-deliveries.js';

const MAX_BODY_BYTES = 1024 * 1024;
const MB = 1024 * 1024;

/** The rule for a 400 (docs/webhooks.md): the body is not UTF-8, not JSON, or not an object with a string "event". */
const envelopeOf = (body: Buffer): { event: string; data: unknown } | undefined => {
  try {
    const value: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    const { event, data } = value as Record<string, unknown>;
    return typeof event === 'string' ? { event, data } : undefined;
  } catch {
    return undefined;
  }
};

const STREAM_OF_FAMILY: Record<string, RegExp> = {
  contact: /^contact-/,
  message: /^conversation-/,
  booking: /^booking-/,
  ticket: /^ticket-/,
  ping: /^webhook-ping$/,
};

/** The real collector when it can be had (so that growth means retention), else undefined. */
const garbageCollector = (): (() => void) | undefined => {
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
};

describe('the webhook intake under hostile and broken input', () => {
  const dir = makeTempDir('fuzz');
  let harness: WebhookHarness;
  const casesRun = new Map<string, number>();
  let batches = 0;
  let serverErrors = 0;
  let heapGrowthMb: number | undefined;
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  const gc = garbageCollector();
  /** Heap and buffers in use; after a full collection when one can be had, so that growth means retention. */
  const memoryInUse = () => {
    gc?.();
    const usage = process.memoryUsage();
    return usage.heapUsed + usage.arrayBuffers;
  };
  let memoryAtStart = 0;

  beforeAll(async () => {
    harness = await webhookHarness(dir.path);
    memoryAtStart = memoryInUse();
  });
  afterAll(async () => {
    await harness?.close();
    dir.remove();
    const total = [...casesRun.values()].reduce((sum, n) => sum + n, 0);
    const perCategory = [...casesRun].map(([category, n]) => `${category} ${n}`).join(', ');
    const heap = heapGrowthMb === undefined ? '' : `; heap growth ${heapGrowthMb.toFixed(1)} MB (${gc === undefined ? 'without' : 'after'} a full GC)`;
    console.log(`intake fuzz: ${total} cases in ${batches} batches (${perCategory}); ${serverErrors} answered 5xx${heap}`);
  });

  /** Every stored event by stream and id, read incrementally from the log. */
  const stored = new Map<string, RecordedEvent>();
  let indexedUpTo = 0;
  const readNewEvents = async () => {
    for await (const event of harness.store.readAll({ fromPosition: indexedUpTo })) {
      stored.set(`${event.stream}/${event.id}`, event);
      indexedUpTo = event.position;
    }
  };

  const send = (hostile: HostileCase) =>
    harness.app.inject({
      method: 'POST',
      url: '/webhooks/skylight',
      payload: hostile.body,
      headers: hostile.contentType === null ? {} : { 'content-type': hostile.contentType ?? 'application/json' },
    });

  /**
   * The body as sent, byte for byte; or, when the record would not fit the store with it (its escaping and metadata
   * grow it past 1 MiB: a huge delivery id of NUL characters does), its first bytes, its size and its SHA-256.
   */
  const expectKeptWhole = (record: RecordedEvent | undefined, body: Buffer) => {
    expect(record?.type).toBe('delivery.quarantined');
    const data = record?.data as QuarantineRecordData;
    const kept = data.body_text !== undefined ? Buffer.from(data.body_text, 'utf8') : Buffer.from(data.body_base64 ?? '', 'base64');
    if (data.body_truncated === true) {
      expect(data.body_bytes).toBe(body.byteLength);
      expect(data.body_sha256).toBe(createHash('sha256').update(body).digest('hex'));
      expect(kept.equals(body.subarray(0, kept.byteLength)), 'the kept bytes are the first of the body sent').toBe(true);
      return;
    }
    expect(kept.equals(body), 'the kept body equals the body sent, byte for byte').toBe(true);
  };

  /** The invariants every answer keeps, and the outcome the case itself decides, if it does. */
  const expectAnswerFits = (hostile: HostileCase, response: LightMyRequestResponse) => {
    if (response.statusCode >= 500) serverErrors += 1;
    expect(response.statusCode).toBeLessThan(500);
    // This intake is unsigned (no WEBHOOK_SECRET): a body not sent as JSON is refused before it is read.
    if (!isJsonMediaType(hostile.contentType === null ? undefined : (hostile.contentType ?? 'application/json'))) {
      expect(response.statusCode).toBe(415);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      return;
    }
    const envelope = envelopeOf(hostile.body);
    if (envelope === undefined) {
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      const problem = response.json<{ title: string; kept_as: string }>();
      expect(problem.title).toBe('Not a webhook delivery');
      expectKeptWhole(stored.get(`${QUARANTINE_STREAM}/${problem.kept_as}`), hostile.body);
      expect(['rejected', 'judged by its bytes']).toContain(hostile.expected);
      return;
    }
    const outcome = response.json<{ status: string; event_id: string; stream: string; duplicate?: boolean }>();
    const record = stored.get(`${outcome.stream}/${outcome.event_id}`);
    switch (outcome.status) {
      case 'appended':
      case 'duplicate':
        expect(response.statusCode).toBe(outcome.status === 'appended' ? 202 : 200);
        expect(['stored', 'judged by its bytes']).toContain(hostile.expected);
        expect(outcome.stream).toMatch(STREAM_OF_FAMILY[envelope.event.split('.')[0] ?? ''] ?? /^$/);
        expect(record?.type).toBe(envelope.event);
        expect(record?.data).toEqual(envelope.data);
        return;
      case 'quarantined':
        expect(response.statusCode).toBe(202);
        expect(['quarantined', 'judged by its bytes']).toContain(hostile.expected);
        expect(outcome.stream).toBe(QUARANTINE_STREAM);
        // A duplicate names the first delivery of the same content, whose bytes were kept then.
        if (outcome.duplicate === true) expect((record?.data as QuarantineRecordData).event).toBe(envelope.event);
        else expectKeptWhole(record, hostile.body);
        return;
      case 'unrecognized':
        expect(response.statusCode).toBe(202);
        expect(hostile.expected).toBe('judged by its bytes');
        expect(isEventType(envelope.event)).toBe(false);
        expect(outcome.stream).toBe(UNRECOGNIZED_STREAM);
        expect(record?.data).toEqual(envelope.data);
        return;
      default:
        expect.fail(`unexpected answer ${response.statusCode} ${response.body.slice(0, 200)}`);
    }
  };

  /** Posts batches of cases at once, checks every answer against the store, and that the app still answers. */
  const fuzz = async (category: string, arbitrary: fc.Arbitrary<HostileCase>, numRuns: number, maxBatch = 16) => {
    await fc.assert(
      fc.asyncProperty(fc.array(describedCases(arbitrary), { minLength: 1, maxLength: maxBatch }), async (cases) => {
        const responses = await Promise.all(cases.map(send));
        await readNewEvents();
        cases.forEach((hostile, index) => expectAnswerFits(hostile, responses[index] as LightMyRequestResponse));
        expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        expect((await harness.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
        casesRun.set(category, (casesRun.get(category) ?? 0) + cases.length);
        batches += 1;
      }),
      { numRuns },
    );
  };

  it('stores every valid delivery in its stream: 202 appended or 200 duplicate', () => fuzz('valid', validCase, 80));

  it('answers random bytes, text and JSON by the documented rule, never 5xx', () => fuzz('random bodies', randomBodyCase, 120));

  it('answers every truncation of a valid delivery with 400 and keeps it', () => fuzz('truncated JSON', truncatedCase, 50));

  it('takes huge strings and arrays within the body limit', () => fuzz('huge values', hugeValueCase, 16, 4), 30_000);

  it('quarantines nesting beyond 32 levels, also beside a prototype key, and rejects it as a whole body', () =>
    fuzz('deep nesting', deepNestingCase, 30, 8));

  it('keeps any value of any type in any field: stored if it still validates, else quarantined intact', () =>
    fuzz('wrong types', wrongTypeCase, 100));

  it('quarantines an entity id of a type no id may have', () => fuzz('wrong ids', wrongIdCase, 50));

  it('quarantines every malformed timestamp, in the envelope or the payload', () => fuzz('wrong timestamps', wrongTimestampCase, 80));

  it('quarantines __proto__, constructor and prototype keys at any depth, and Object.prototype stays clean', () =>
    fuzz('prototype keys', prototypeKeyCase, 80));

  it('answers invalid UTF-8 with 400 and keeps the bytes', () => fuzz('invalid UTF-8', invalidUtf8Case, 50));

  it('reads a body after a byte order mark, and keeps the mark when it quarantines the body', () =>
    fuzz('byte order mark', byteOrderMarkCase, 20));

  it('judges a delivery by its bytes whatever JSON Content-Type it claims; refuses any other, or none, with 415 (unsigned)', () =>
    fuzz('content types', contentTypeCase, 80));

  it('takes a delivery of exactly MAX_BODY_BYTES, and answers one byte more with 413, storing nothing', async () => {
    const delivery = JSON.stringify({ event: 'ping', delivery_id: 'at-the-limit', timestamp: 1772625900, data: { message: 'padded' } });
    const atLimit = Buffer.from(delivery.padEnd(MAX_BODY_BYTES, ' '));
    const accepted = await send({ body: atLimit, expected: 'stored' });
    expect(accepted.statusCode).toBe(202);

    const head = await harness.store.headPosition();
    const over = await send({ body: Buffer.concat([atLimit, Buffer.from(' ')]), expected: 'rejected' });
    expect(over.statusCode).toBe(413);
    expect(over.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await harness.store.headPosition()).toEqual(head);
    casesRun.set('body limit', 2);
  });

  it('keeps memory bounded: after all the cases above and a thousand more of 128 KB each, the heap has not grown', async () => {
    const big = 128 * 1024;
    const bodies: HostileCase[] = [
      { body: Buffer.from(JSON.stringify({ event: 'contact.updated', delivery_id: 'm', timestamp: 1, data: { contact: { id: ' bad', name: 'n'.repeat(big) } } })), expected: 'quarantined' },
      { body: Buffer.from(JSON.stringify({ event: 'contact.created', delivery_id: 'm', timestamp: 1, data: { contact: { id: 7, name: 'n'.repeat(big) } } })), expected: 'stored' },
      { body: Buffer.from('x'.repeat(big)), expected: 'rejected' },
      { body: Buffer.from(`{"event":"ping","delivery_id":"m","timestamp":1,"data":${nestedText(big / 10, 'object')}}`), expected: 'quarantined' },
    ];
    const rounds = 1000;
    for (let sent = 0; sent < rounds; sent += 25) {
      const batch = Array.from({ length: 25 }, (_, i) => bodies[(sent + i) % bodies.length] as HostileCase);
      for (const response of await Promise.all(batch.map(send))) expect(response.statusCode).toBeLessThan(500);
    }
    stored.clear();
    heapGrowthMb = (memoryInUse() - memoryAtStart) / MB;
    // Far less than what went through (1000 × 128 KB = 125 MB, plus the cases above): nothing per request is retained.
    expect(heapGrowthMb).toBeLessThan(gc === undefined ? 200 : 64);
    expect((await harness.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    casesRun.set('memory', rounds);
  }, 30_000);
});
