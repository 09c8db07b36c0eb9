import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from './canonical-json.js';
import { isProviderEventType, type DomainEvent, type PayloadFormat } from './domain-event.js';
import { Envelope } from './envelope.js';
import { eventDataError, singleIssue, type DataIssue } from './event-data-error.js';
import { contentEventId, pingEventId, quarantineEventId } from './event-id.js';
import { FORBIDDEN_KEY, findJsonHazard } from './json-hazard.js';
import { parseEvent } from './parse-event.js';
import { looseIds } from './strict-ids.js';
import type { Timestamp } from './timestamp.js';

export const UNRECOGNIZED_STREAM = 'webhook-unrecognized';
export const QUARANTINE_STREAM = 'webhook-quarantine';
export const QUARANTINED_EVENT_TYPE = 'delivery.quarantined';

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

const decode = (body: Uint8Array): string | undefined => {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
};

const parseJson = (text: string): E.Either<string, unknown> => {
  try {
    return E.right(JSON.parse(text));
  } catch (error) {
    // V8's message quotes the body; keep only where it broke, never the content.
    const at = /at position \d+/.exec((error as SyntaxError).message);
    return E.left(at === null ? 'malformed' : `malformed ${at[0]}`);
  }
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * From the raw bytes of a webhook body to what must be stored and where: the event itself, the unrecognized
 * stream for event names this version does not know, or quarantine for a known event that does not validate.
 * Pure: no clock, no I/O; the same bytes always route the same way, to the same event id.
 */
export const routeDelivery = (body: Uint8Array): E.Either<RejectedDelivery, RoutedDelivery> => {
  const text = decode(body);
  if (text === undefined) return E.left(reject(body, text, 'body is not valid UTF-8'));
  const json = parseJson(text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text);
  if (E.isLeft(json)) return E.left(reject(body, text, `body is not JSON: ${json.left}`));
  const value = json.right;
  if (!isObject(value) || typeof value['event'] !== 'string') {
    return E.left(reject(body, text, 'body is not a webhook envelope: expected an object with a string "event"'));
  }
  const named = { event: value['event'], delivery_id: optionalString(value['delivery_id']) };
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

