import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson, contentEventId, pingEventId, quarantineEventId } from './canonical-json.js';
import type { DomainEvent, PayloadFormat } from './domain-event.js';
import { Envelope } from './envelope.js';
import { eventDataError, singleIssue, type DataIssue } from './event-data-error.js';
import { DELIVERY_QUARANTINED } from './delivery-log-events.js';
import { isObject, isProviderEventType, parseEvent } from './parse-event.js';
import type { Timestamp } from './timestamp.js';

export const UNRECOGNIZED_STREAM = 'webhook-unrecognized';
export const QUARANTINE_STREAM = 'webhook-quarantine';
export const QUARANTINED_EVENT_TYPE = DELIVERY_QUARANTINED;

/** An event ready for the store: where it goes, its content-derived id, and the data exactly as received. */
type EventRecord = { readonly stream: string; readonly id: string; readonly type: string; readonly data: unknown };

/** Fields of a delivery that go into the stored event's metadata. */
export type DeliveryFacts = {
  readonly deliveryId?: string | undefined;
  readonly envelopeTimestamp?: Timestamp | undefined;
  readonly format?: PayloadFormat | undefined;
};

export type RoutedDelivery =
  | { readonly outcome: 'event'; readonly record: EventRecord; readonly facts: DeliveryFacts; readonly event: DomainEvent }
  | { readonly outcome: 'unrecognized'; readonly record: EventRecord; readonly facts: DeliveryFacts }
  | QuarantinedDelivery;

type QuarantinedDelivery = {
  readonly outcome: 'quarantined';
  readonly record: EventRecord;
  readonly facts: DeliveryFacts;
  readonly reason: string;
  readonly issues: readonly DataIssue[];
};

/** A body that is not a delivery at all (not JSON, not an envelope). It is still kept, in quarantine. */
export type RejectedDelivery = Omit<QuarantinedDelivery, 'outcome'> & { readonly outcome: 'rejected' };

/** What quarantine keeps: the body whole (as text, or base64 when it is not UTF-8), and why it was set aside. */
export type QuarantineRecordData = {
  readonly reason: string;
  readonly issues: readonly DataIssue[];
  readonly event?: string;
  readonly delivery_id?: string;
  readonly body_text?: string;
  readonly body_base64?: string;
  /** Set when only the first bytes of the body could be kept (too large for the store); then the whole body's size and digest. */
  readonly body_truncated?: true;
  readonly body_bytes?: number;
  readonly body_sha256?: string;
};

// The text keeps a leading byte order mark, so that quarantine stores the body byte for byte; JSON is read after it.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const BYTE_ORDER_MARK = '\uFEFF';

/** The body's text and JSON; or why it is not JSON, with its text when it is UTF-8. */
const readBody = (body: Uint8Array): E.Either<{ readonly text: string | undefined; readonly reason: string }, { readonly text: string; readonly value: unknown }> => {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return E.left({ text: undefined, reason: 'body is not valid UTF-8' });
  }
  try {
    return E.right({ text, value: JSON.parse(text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text) });
  } catch (error) {
    // V8's message quotes the body; keep only where it broke, never the content.
    const at = error instanceof SyntaxError ? /at position \d+/.exec(error.message) : null;
    return E.left({ text, reason: `body is not JSON: malformed${at === null ? '' : ` ${at[0]}`}` });
  }
};

const base64Of = (body: Uint8Array) => Buffer.from(body).toString('base64');

/** The bytes a quarantine record keeps: its text as UTF-8 (it was valid UTF-8), or its base64 decoded. */
export const keptBytes = (kept: { readonly body_text?: unknown; readonly body_base64?: unknown }): Buffer =>
  typeof kept.body_text === 'string' ? Buffer.from(kept.body_text, 'utf8') : Buffer.from(typeof kept.body_base64 === 'string' ? kept.body_base64 : '', 'base64');

/**
 * The body as text, readable, unless it is not UTF-8 or escaping it in JSON would more than double it (a control
 * character becomes `\u00XX`, six bytes for one): then as base64, a third larger, whatever the bytes.
 */
const bodyFields = (body: Uint8Array, text: string | undefined, base64: string | undefined) =>
  text !== undefined && Buffer.byteLength(JSON.stringify(text)) <= 2 * body.byteLength ? { body_text: text } : { body_base64: base64 ?? base64Of(body) };

const quarantineRecord = (
  body: Uint8Array,
  text: string | undefined,
  fingerprint: string,
  reason: string,
  issues: readonly DataIssue[],
  envelope: { event?: string; delivery_id?: string },
): EventRecord => {
  // A body that is not UTF-8 is fingerprinted by its base64 already; encoded once.
  const data: QuarantineRecordData = { reason, issues, ...envelope, ...bodyFields(body, text, text === undefined ? fingerprint : undefined) };
  return { stream: QUARANTINE_STREAM, id: quarantineEventId(fingerprint), type: QUARANTINED_EVENT_TYPE, data };
};

const reject = (body: Uint8Array, text: string | undefined, reason: string): RejectedDelivery => {
  const issues = [{ path: '$', message: reason }];
  const fingerprint = text ?? base64Of(body);
  return { outcome: 'rejected', reason, issues, facts: {}, record: quarantineRecord(body, text, fingerprint, reason, issues, {}) };
};

/** Keys that would reach an object's prototype if a consumer ever merged the payload by assignment. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper than any real payload; keeps every later recursive walk far from the stack limit. */
const MAX_JSON_DEPTH = 32;

/** Far beyond any real payload (a contact has a dozen fields, a tag list a few items); every later step is linear in these. */
export const MAX_KEYS_PER_OBJECT = 1_000;
export const MAX_ITEMS_PER_ARRAY = 10_000;

const FORBIDDEN_KEY = 'forbidden key';

type JsonHazard = { readonly path: string; readonly message: string };

/** A node still to visit; its path is spelled out only if it turns out to be the hazard. */
type Visit = { readonly value: unknown; readonly parent: Visit | undefined; readonly key: string | number; readonly depth: number };

const pathOf = (visit: Visit): string => {
  const keys: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.parent !== undefined; at = at.parent) keys.push(at.key);
  return keys.reduceRight<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : `${path}.${key}`), '$');
};

/**
 * Finds what makes parsed JSON unsafe to process further: nesting beyond MAX_JSON_DEPTH, an object or array larger
 * than MAX_KEYS_PER_OBJECT / MAX_ITEMS_PER_ARRAY, else a prototype key.
 * Iterative, so that a hostile, deeply nested body cannot exhaust the stack here either. Depth is reported first:
 * only a body free of it may be walked recursively later (a quarantined one's fingerprint is its canonical JSON).
 */
const findJsonHazard = (root: unknown): JsonHazard | undefined => {
  const pending: Visit[] = [{ value: root, parent: undefined, key: '$', depth: 0 }];
  let forbidden: Visit | undefined;
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth } = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return { path: pathOf(next), message: `nested deeper than ${MAX_JSON_DEPTH} levels` };
    if (Array.isArray(value)) {
      if (value.length > MAX_ITEMS_PER_ARRAY) return { path: pathOf(next), message: `more than ${MAX_ITEMS_PER_ARRAY} items` };
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        if (item !== null && typeof item === 'object') pending.push({ value: item, parent: next, key: index, depth: depth + 1 });
      }
      continue;
    }
    const keys = Object.keys(value);
    if (keys.length > MAX_KEYS_PER_OBJECT) return { path: pathOf(next), message: `more than ${MAX_KEYS_PER_OBJECT} keys` };
    for (const key of keys) {
      const child = { value: (value as Record<string, unknown>)[key], parent: next, key, depth: depth + 1 };
      if (PROTOTYPE_KEYS.has(key)) forbidden ??= child;
      pending.push(child);
    }
  }
  return forbidden === undefined ? undefined : { path: pathOf(forbidden), message: FORBIDDEN_KEY };
};

/** The provider's id fields: every one of them is an integer in the reference. */
const ID_FIELDS = new Set(['id', 'contact_id', 'booking_type_id', 'resource_id']);

/** Its decimal digits, as JSON or as a string: one spelling per number, so one entity is one stream. */
const DECIMAL_DIGITS = /^(0|[1-9][0-9]*)$/;

/**
 * The id fields of a delivery's `data` (flat: on `data`; nested: on the entities under it) that are not integers.
 * Intake quarantines such a delivery; events already stored are read as before (the schemas accept any safe id
 * text), so an existing log keeps projecting.
 */
const looseIds = (data: Record<string, unknown>): DataIssue[] => {
  const objects: [Record<string, unknown>, string][] = [[data, 'data']];
  for (const [key, value] of Object.entries(data)) if (isObject(value)) objects.push([value, `data.${key}`]);
  const issues: DataIssue[] = [];
  for (const [object, path] of objects) {
    for (const [key, id] of Object.entries(object)) {
      if (!ID_FIELDS.has(key) || id === null || id === undefined) continue;
      const strict = (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) || (typeof id === 'string' && DECIMAL_DIGITS.test(id));
      if (!strict) issues.push({ path: `${path}.${key}`, message: 'expected a non-negative integer, or a string of its decimal digits' });
    }
  }
  return issues;
};

/**
 * From the raw bytes of a webhook body to what must be stored and where: the event itself, the unrecognized
 * stream for event names this version does not know, or quarantine for a known event that does not validate.
 * Pure: no clock, no I/O; the same bytes always route the same way, to the same event id.
 */
export const routeDelivery = (body: Uint8Array): E.Either<RejectedDelivery, RoutedDelivery> => {
  const read = readBody(body);
  if (E.isLeft(read)) return E.left(reject(body, read.left.text, read.left.reason));
  const { text, value } = read.right;
  if (!isObject(value) || typeof value['event'] !== 'string') {
    return E.left(reject(body, text, 'body is not a webhook envelope: expected an object with a string "event"'));
  }
  const named = { event: value['event'], delivery_id: typeof value['delivery_id'] === 'string' ? value['delivery_id'] : undefined };
  const facts: DeliveryFacts = { deliveryId: named.delivery_id };
  const hazard = findJsonHazard(value);
  // Computed only for what goes to quarantine: a valid delivery's content is serialised once, for its event id.
  // A body too deep or too wide is fingerprinted by its text: canonical JSON would walk (and sort) all of it.
  const fingerprint = () =>
    (hazard === undefined || hazard.message === FORBIDDEN_KEY) && isObject(value['data'])
      ? `${named.event}\n${canonicalJson(value['data'])}`
      : text;
  const quarantine = (reason: string, issues: readonly DataIssue[]): RoutedDelivery => ({
    outcome: 'quarantined',
    reason,
    issues,
    facts,
    record: quarantineRecord(body, text, fingerprint(), reason, issues, named),
  });
  if (hazard !== undefined) {
    const issue = singleIssue(hazard.path, hazard.message);
    return E.right(quarantine(issue.reason, issue.issues));
  }
  const envelope = Envelope.safeParse(value);
  if (!envelope.success) {
    const error = eventDataError('$', envelope.error);
    return E.right(quarantine(error.reason, error.issues));
  }
  const { event: name, delivery_id: deliveryId, timestamp, data } = envelope.data;
  const envelopeFacts = { deliveryId, envelopeTimestamp: timestamp };
  // Only the provider's events come from a webhook: nobody outside can send an engine event.
  if (!isProviderEventType(name)) {
    return E.right({
      outcome: 'unrecognized',
      facts: envelopeFacts,
      record: { stream: UNRECOGNIZED_STREAM, id: contentEventId(name, data), type: name, data },
    });
  }
  const parsed = parseEvent(name, data, () => timestamp);
  if (E.isLeft(parsed)) return E.right(quarantine(parsed.left.reason, parsed.left.issues));
  const loose = looseIds(data);
  if (loose.length > 0) return E.right(quarantine(loose.map((i) => `${i.path}: ${i.message}`).join('; '), loose));
  const id = name === 'ping' ? pingEventId(deliveryId) : contentEventId(name, data);
  return E.right({
    outcome: 'event',
    event: parsed.right.event,
    facts: { ...envelopeFacts, format: parsed.right.format },
    record: { stream: parsed.right.stream, id, type: name, data },
  });
};

