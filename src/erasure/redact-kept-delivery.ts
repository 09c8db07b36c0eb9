import { REDACTED, namesContact } from '../events/personal-data.js';
import { QUARANTINE_STREAM, UNRECOGNIZED_STREAM } from '../events/route-delivery.js';
import type { RecordedEvent } from '../store/event-store.js';

/** The streams that keep deliveries whole: a body there that is about the contact is erased whole. */
export const KEPT_STREAMS = [QUARANTINE_STREAM, UNRECOGNIZED_STREAM] as const;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const parsed = (text: string): unknown => {
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
};

/** The bytes a kept event holds of the delivery (quarantine: the body; unrecognized: the data). */
const bodyOf = (recorded: RecordedEvent): { bytes: Buffer; json: unknown } => {
  const data = isObject(recorded.data) ? recorded.data : {};
  if (recorded.stream === QUARANTINE_STREAM) {
    const bytes =
      typeof data['body_text'] === 'string'
        ? Buffer.from(data['body_text'], 'utf8')
        : Buffer.from(typeof data['body_base64'] === 'string' ? data['body_base64'] : '', 'base64');
    return { bytes, json: parsed(bytes.toString('utf8')) };
  }
  return { bytes: Buffer.from(JSON.stringify(recorded.data), 'utf8'), json: { event: recorded.type, data: recorded.data } };
};

/**
 * Whether a kept delivery is about the contact: it names the contact's id where a delivery would, or it contains
 * one of the contact's personal values (which also catches bodies that are not JSON, or not UTF-8).
 */
export const keptDeliveryNames = (recorded: RecordedEvent, key: string, values: ReadonlySet<string>): boolean => {
  const body = bodyOf(recorded);
  if (body.json !== undefined && namesContact(body.json, key)) return true;
  for (const value of values) if (body.bytes.includes(value, 0, 'utf8')) return true;
  return false;
};

/** A quarantine record without the body: why it was kept stays, what it said goes. */
export const withoutBody = (data: Record<string, unknown>): Record<string, unknown> => {
  // The hash of the whole body would confirm a guess of its content.
  const { body_text: _text, body_base64: _base64, body_sha256: _sha256, ...kept } = data;
  return { ...kept, body_text: REDACTED };
};

/** The kept record erased: a quarantine record without its body, an unrecognized event without its data. */
export const redactedKeptData = (recorded: RecordedEvent): unknown =>
  recorded.stream !== QUARANTINE_STREAM || !isObject(recorded.data) ? { redacted: REDACTED } : withoutBody(recorded.data);
