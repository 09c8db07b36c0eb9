import { REDACTED } from '../events/personal-data.js';
import { QUARANTINE_STREAM, UNRECOGNIZED_STREAM } from '../events/route-delivery.js';
import type { RecordedEvent } from '../store/event-store.js';
import { keptBody, streamsNamedByBody, withoutBody, type KeptBody } from './kept-body.js';
import { streamsNamed } from '../events/personal-data.js';

/** The streams that keep deliveries whole: a body there that is about the contact is erased whole. */
export const KEPT_STREAMS = [QUARANTINE_STREAM, UNRECOGNIZED_STREAM] as const;

/** The bytes a kept event holds of the delivery (quarantine: the body; unrecognized: the data), and what it names. */
const bodyOf = (recorded: RecordedEvent): { body: KeptBody; named: string[] } => {
  if (recorded.stream === QUARANTINE_STREAM) {
    const body = keptBody(recorded.data);
    return { body, named: streamsNamedByBody(body) };
  }
  const json = { event: recorded.type, data: recorded.data };
  return { body: { bytes: Buffer.from(JSON.stringify(recorded.data), 'utf8'), json }, named: streamsNamed(json) };
};

/**
 * Whether a kept delivery is about the person: it names one of the erasure's streams (the contact, its bookings and
 * tickets) where a delivery would, or, not being JSON, as an id field's value; or it contains one of the person's
 * values (which also catches bodies that are not UTF-8).
 */
export const keptDeliveryNames = (recorded: RecordedEvent, streams: ReadonlySet<string>, values: ReadonlySet<string>): boolean => {
  const { body, named } = bodyOf(recorded);
  if (named.some((stream) => streams.has(stream))) return true;
  for (const value of values) if (body.bytes.includes(value, 0, 'utf8')) return true;
  return false;
};

/** The kept record erased: a quarantine record without its body, an unrecognized event without its data. */
export const redactedKeptData = (recorded: RecordedEvent): unknown =>
  recorded.stream !== QUARANTINE_STREAM ? { redacted: REDACTED } : withoutBody(recorded.data);
