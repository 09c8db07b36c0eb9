/**
 * fast-check arbitraries for what a hostile or broken sender posts to the webhook: raw bytes, truncated JSON, huge
 * and deeply nested values, wrong types, malformed timestamps, prototype keys, invalid UTF-8, odd Content-Types.
 * Most start from a valid delivery (test/support/event-arbitraries.ts) and break one thing, so that what reaches the
 * router is "almost right", where bugs hide. Each case says what the answer must be when that is certain.
 */
import fc from 'fast-check';
import { PROVIDER_EVENT_TYPES as EVENT_TYPES } from '../../src/events/domain-event.js';
import { anyDelivery, type Delivery } from '../support/event-arbitraries.js';

/** What the answer to a case must be, when the case alone decides it (else only the general invariants hold). */
export type Expected = 'stored' | 'quarantined' | 'rejected' | 'judged by its bytes';

export type HostileCase = {
  readonly body: Buffer;
  readonly expected: Expected;
  /** Content-Type to send; `null` sends none. */
  readonly contentType?: string | null;
};

/** How a failing case is printed: its first bytes, not a megabyte of numbers. */
const described = (hostile: HostileCase): HostileCase => {
  const preview = JSON.stringify(hostile.body.subarray(0, 160).toString('utf8'));
  const type = hostile.contentType === undefined ? '' : ` with Content-Type ${JSON.stringify(hostile.contentType)}`;
  const text = `${hostile.expected}${type}: ${hostile.body.length} bytes ${preview}${hostile.body.length > 160 ? '…' : ''}`;
  return { ...hostile, [fc.toStringMethod]: () => text } as HostileCase;
};
/** The same cases, printed readably when one fails. */
export const describedCases = (arbitrary: fc.Arbitrary<HostileCase>): fc.Arbitrary<HostileCase> => arbitrary.map(described);

type Json = unknown;
type Path = readonly (string | number)[];

const bytes = (text: string): Buffer => Buffer.from(text, 'utf8');
const jsonCase = (value: Json, expected: Expected): HostileCase => ({ body: bytes(JSON.stringify(value)), expected });

/** Every path to a value inside `value` (not the root itself). */
const pathsIn = (value: Json, prefix: Path = []): Path[] => {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, Json][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value as Record<string, Json>);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsIn(child, [...prefix, key])]);
};

/** A copy of `root` with the value at `path` replaced. */
const replaceAt = (root: Json, path: Path, replacement: Json): Json => {
  const [head, ...rest] = path;
  if (head === undefined) return replacement;
  const copy = (Array.isArray(root) ? [...root] : { ...(root as Record<string, Json>) }) as Record<string | number, Json>;
  copy[head] = replaceAt(copy[head], rest, replacement);
  return copy;
};

const pick = <T>(items: readonly T[], index: number): T | undefined => items[index % Math.max(items.length, 1)];

const knownEvent = fc.constantFrom(...EVENT_TYPES);

/** Valid deliveries in both documented formats: always stored (appended, or a duplicate of an earlier one). */
export const validCase: fc.Arbitrary<HostileCase> = anyDelivery.map((delivery) => jsonCase(delivery, 'stored'));

/** Bytes of any kind, any text, any JSON value, and objects that look a little like envelopes. */
export const randomBodyCase: fc.Arbitrary<HostileCase> = fc
  .oneof(
    fc.uint8Array({ maxLength: 2048 }).map((array) => Buffer.from(array)),
    fc.string({ unit: 'binary', maxLength: 512 }).map(bytes),
    fc.jsonValue({ maxDepth: 4 }).map((value) => bytes(JSON.stringify(value))),
    fc
      .record({ event: fc.oneof(fc.jsonValue({ maxDepth: 1 }), knownEvent), delivery_id: fc.jsonValue({ maxDepth: 1 }), data: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] })
      .map((value) => bytes(JSON.stringify(value))),
  )
  .map((body) => ({ body, expected: 'judged by its bytes' }));

/** A strict prefix of a valid delivery's JSON: never JSON, so always a 400. */
export const truncatedCase: fc.Arbitrary<HostileCase> = fc
  .tuple(anyDelivery, fc.nat())
  .map(([delivery, cut]) => {
    const text = JSON.stringify(delivery);
    return { body: bytes(text.slice(0, cut % text.length)), expected: 'rejected' };
  });

const hugeString = fc
  .tuple(fc.integer({ min: 10_000, max: 100_000 }), fc.constantFrom('a', 'é', '😀', '\u0000', '"', '\\', '\u2028'))
  .map(([length, char]) => char.repeat(length));
const hugeArray = fc
  .tuple(fc.integer({ min: 1_000, max: 40_000 }), fc.constantFrom<Json>(0, 'x', null, {}, [], 1.5))
  .map(([length, item]) => Array.from({ length }, () => item));

/** A valid delivery with one value (anywhere) swapped for a huge string or array; the body stays under the limit. */
export const hugeValueCase: fc.Arbitrary<HostileCase> = fc
  .tuple(anyDelivery, fc.nat(), fc.oneof(hugeString, hugeArray))
  .map(([delivery, at, huge]) => {
    const path = pick(pathsIn(delivery), at) ?? ['data'];
    return jsonCase(replaceAt(delivery, path, huge), 'judged by its bytes');
  });

/** JSON nested `depth` levels deep, built as text: JSON.stringify itself would overflow the stack. */
export const nestedText = (depth: number, kind: 'array' | 'object'): string =>
  kind === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const envelopeText = (event: string, data: string, extra = '') =>
  `{"event":${JSON.stringify(event)},"delivery_id":"d-deep","timestamp":"2026-03-04T12:00:00Z"${extra},"data":${data}}`;

/**
 * Nesting far beyond any real payload, as the whole body, as `data`, inside an entity, and next to a prototype key
 * (which is found first and must not lead anything to walk the deep part recursively).
 */
export const deepNestingCase: fc.Arbitrary<HostileCase> = fc
  .tuple(
    fc.integer({ min: 40, max: 20_000 }),
    fc.constantFrom('array' as const, 'object' as const),
    fc.constantFrom('whole body', 'as data', 'inside an entity', 'after a forbidden key', 'beside a forbidden key'),
    knownEvent,
  )
  .map(([depth, kind, where, event]): HostileCase => {
    const deep = nestedText(depth, kind);
    switch (where) {
      case 'whole body':
        return { body: bytes(deep), expected: 'rejected' };
      case 'as data':
        return { body: bytes(envelopeText(event, deep)), expected: 'quarantined' };
      case 'inside an entity':
        return { body: bytes(envelopeText(event, `{"contact":{"id":1,"extra":${deep}}}`)), expected: 'quarantined' };
      case 'after a forbidden key':
        return { body: bytes(envelopeText(event, `{"deep":${deep}}`, ',"__proto__":{"polluted":"yes"}')), expected: 'quarantined' };
      default:
        return { body: bytes(`${envelopeText(event, `{"deep":${deep}}`).slice(0, -1)},"z":{"constructor":1}}`), expected: 'quarantined' };
    }
  });

/** A valid delivery with the value at a random path (envelope or data) replaced by a random JSON value. */
export const wrongTypeCase: fc.Arbitrary<HostileCase> = fc
  .tuple(anyDelivery, fc.nat(), fc.jsonValue({ maxDepth: 2 }))
  .map(([delivery, at, value]) => {
    const path = pick(pathsIn(delivery), at) ?? ['data'];
    const broken = replaceAt(delivery, path, value);
    // Where the envelope alone decides the outcome, say so.
    const [field] = path;
    const expected: Expected =
      path.length === 1 && field === 'event' && typeof value !== 'string'
        ? 'rejected'
        : path.length === 1 && field === 'delivery_id' && typeof value !== 'string'
          ? 'quarantined'
          : path.length === 1 && field === 'data' && (value === null || typeof value !== 'object' || Array.isArray(value))
            ? 'quarantined'
            : 'judged by its bytes';
    return jsonCase(broken, expected);
  });

/** Where the entity's own id is: `data.<entity>.id` in the nested format, `data.id` in the flat one. */
const entityIdPath = (delivery: Delivery): Path => {
  const nestedKey = delivery.event.split('.')[0] ?? '';
  const data = delivery.data as Record<string, Json>;
  const nested = data[nestedKey];
  return nested !== null && typeof nested === 'object' && !Array.isArray(nested) ? ['data', nestedKey, 'id'] : ['data', 'id'];
};

/** Values no id may have: not a non-negative safe integer, nor a string of letters, digits, _ . : - */
const wrongId = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 3 }), fc.integer(), { maxKeys: 2 }),
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((n) => !Number.isInteger(n)),
  fc.constantFrom(2 ** 53 + 2, 1e300, ''),
  fc.string({ maxLength: 8 }).map((s) => ` ${s}`),
  fc.string({ maxLength: 8 }).map((s) => `-${s}`),
);

/** A valid delivery whose entity id has a type (or form) no id may have: always quarantined. */
export const wrongIdCase: fc.Arbitrary<HostileCase> = fc
  .tuple(anyDelivery.filter((delivery) => delivery.event !== 'ping'), wrongId)
  .map(([delivery, id]) => jsonCase(replaceAt(delivery, entityIdPath(delivery), id), 'quarantined'));

/** Near misses of ISO-8601 and Unix seconds, and values that are no time at all. */
export const WRONG_TIMESTAMPS: readonly Json[] = [
  '2026-03-04',
  '2026-03-04T12:00',
  '2026-03-04T12:00:00ZZ',
  '2026-13-04T12:00:00Z',
  '2026-02-30T12:00:00Z',
  '2026-03-04T24:00:00Z',
  '2026-03-04T12:60:00Z',
  '2026-03-04T12:00:00.Z',
  '2026-03-04T12:00:00.1234567890Z',
  '2026-03-04T12:00:00+2',
  ' 2026-03-04T12:00:00Z',
  '2026-03-04T12:00:00Z\n',
  '04/03/2026 12:00:00',
  'Wed, 04 Mar 2026 12:00:00 GMT',
  '20260304T120000Z',
  '2026-W10-3T12:00:00Z',
  '+002026-03-04T12:00:00Z',
  '1772625900',
  'now',
  '',
  -1,
  -0.5,
  253_402_300_800,
  1e20,
  true,
  [],
  {},
  ['2026-03-04T12:00:00Z'],
  { iso: '2026-03-04T12:00:00Z' },
];

const wrongTimestamp = fc.oneof(
  fc.constantFrom(...WRONG_TIMESTAMPS),
  // Shorter than the shortest ISO date-time the schema takes.
  fc.string({ maxLength: 18 }),
  fc.integer({ max: -1 }),
);

/** A valid delivery with its envelope timestamp or one of its `*_at` fields malformed: always quarantined. */
export const wrongTimestampCase: fc.Arbitrary<HostileCase> = fc
  .tuple(anyDelivery, fc.nat(), wrongTimestamp)
  .map(([delivery, at, timestamp]) => {
    const times = pathsIn(delivery).filter((path) => {
      const last = path[path.length - 1];
      return (path.length === 1 && last === 'timestamp') || (typeof last === 'string' && last.endsWith('_at'));
    });
    return jsonCase(replaceAt(delivery, pick(times, at) ?? ['timestamp'], timestamp), 'quarantined');
  });

export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

/** Sets an own, enumerable key, even `__proto__` (which plain assignment would turn into a prototype change). */
const withOwnKey = (target: object, key: string, value: Json): void => {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
};

/** A valid delivery with `__proto__`, `constructor` or `prototype` as a key of one of its objects: always quarantined. */
export const prototypeKeyCase: fc.Arbitrary<HostileCase> = fc
  .tuple(
    anyDelivery,
    fc.nat(),
    fc.constantFrom(...PROTOTYPE_KEYS),
    fc.oneof(fc.constant<Json>({ polluted: 'yes' }), fc.constant<Json>({ toString: 'polluted' }), fc.jsonValue({ maxDepth: 2 })),
  )
  .map(([delivery, at, key, value]) => {
    const copy = structuredClone(delivery) as Json;
    const objects: object[] = [copy as object];
    for (const path of pathsIn(copy)) {
      const node = path.reduce<Json>((parent, step) => (parent as Record<string | number, Json>)[step], copy);
      if (node !== null && typeof node === 'object' && !Array.isArray(node)) objects.push(node);
    }
    withOwnKey(pick(objects, at) ?? (copy as object), key, value);
    return jsonCase(copy, 'quarantined');
  });

/** Byte sequences no UTF-8 decoder may accept: bad leads, lone continuations, overlongs, surrogates, > U+10FFFF. */
export const INVALID_UTF8: readonly (readonly number[])[] = [
  [0xff],
  [0xfe],
  [0x80],
  [0xbf],
  [0xc0, 0x80],
  [0xc1, 0xbf],
  [0xe0, 0x80, 0xaf],
  [0xe2, 0x82],
  [0xf0, 0x9f, 0x98],
  [0xed, 0xa0, 0x80],
  [0xed, 0xbf, 0xbf],
  [0xf4, 0x90, 0x80, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
];

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const isUtf8 = (body: Buffer): boolean => {
  try {
    strictUtf8.decode(body);
    return true;
  } catch {
    return false;
  }
};

/** A delivery (valid or not) with an invalid UTF-8 sequence spliced in anywhere: always a 400, kept as base64. */
export const invalidUtf8Case: fc.Arbitrary<HostileCase> = fc
  .tuple(fc.oneof(anyDelivery.map((d) => JSON.stringify(d)), fc.string({ maxLength: 64 })), fc.nat(), fc.constantFrom(...INVALID_UTF8))
  .map(([text, at, sequence]) => {
    const body = bytes(text);
    const cut = at % (body.length + 1);
    return { body: Buffer.concat([body.subarray(0, cut), Buffer.from(sequence), body.subarray(cut)]), expected: 'rejected' as const };
  })
  // Splicing never repairs a body in practice; the filter makes "invalid" a fact rather than a hope.
  .filter((hostile) => !isUtf8(hostile.body));

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** A byte order mark before a valid delivery (taken) or before one that is quarantined (kept with the mark). */
export const byteOrderMarkCase: fc.Arbitrary<HostileCase> = fc.oneof(
  anyDelivery.map((delivery) => ({ body: Buffer.concat([BOM, bytes(JSON.stringify(delivery))]), expected: 'stored' as const })),
  wrongIdCase.map((hostile) => ({ body: Buffer.concat([BOM, hostile.body]), expected: 'quarantined' as const })),
);

export const ODD_CONTENT_TYPES: readonly (string | null)[] = [
  null,
  'text/plain',
  'text/plain; charset=utf-8',
  'multipart/form-data; boundary=----x',
  'application/x-www-form-urlencoded',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/xml',
  '*/*',
  '',
  'garbage',
  ';;;',
  'a/b/c',
  'application/json, text/plain',
  'application/json; charset=',
  '"application/json"',
];

const contentType = fc.oneof(fc.constantFrom(...ODD_CONTENT_TYPES), fc.stringMatching(/^[\x20-\x7e]{0,40}$/));

/**
 * Content-Types a delivery should not have: a valid delivery is still stored (the body is judged by its bytes, as
 * the signature covers them), and a delivery actually encoded as a form or multipart is not JSON, so a 400.
 */
export const contentTypeCase: fc.Arbitrary<HostileCase> = fc.oneof(
  fc.tuple(anyDelivery, contentType).map(([delivery, type]) => ({ ...jsonCase(delivery, 'stored'), contentType: type })),
  anyDelivery.map((delivery) => ({
    body: bytes(`payload=${encodeURIComponent(JSON.stringify(delivery))}`),
    expected: 'rejected' as const,
    contentType: 'application/x-www-form-urlencoded',
  })),
  anyDelivery.map((delivery) => ({
    body: bytes(`------x\r\nContent-Disposition: form-data; name="payload"\r\n\r\n${JSON.stringify(delivery)}\r\n------x--\r\n`),
    expected: 'rejected' as const,
    contentType: 'multipart/form-data; boundary=----x',
  })),
);
