import { createHash } from 'node:crypto';
import { quarantineEventId } from '../events/canonical-json.js';
import {
  QUARANTINE_STREAM,
  QUARANTINED_EVENT_TYPE,
  type QuarantineRecordData,
  type RejectedDelivery,
  type RoutedDelivery,
} from '../events/route-delivery.js';
import type { JsonObject } from '../store/event-store.js';

/**
 * The largest event any store takes: EventStoreDB's default MaxAppendSize, 1 MiB counted over the event's type,
 * data and metadata (KurrentDB Services/Transport/Grpc/Streams.Append.cs). The embedded store has no such limit,
 * but applies the same one, so that switching stores never turns a kept delivery into a refused one.
 */
export const MAX_EVENT_BYTES = 1_048_576;

/** Room left for the quarantine record's own fields (reason, ids, digest) beside the kept bytes. */
const RECORD_OVERHEAD_BYTES = 2_048;

const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value ?? null));

/** The size the store counts for an event: its type, its data and its metadata, as serialised JSON. */
export const eventBytes = (type: string, data: unknown, metadata: JsonObject): number =>
  Buffer.byteLength(type) + jsonBytes(data) + jsonBytes(metadata);

/**
 * Serialising what `JSON.parse` read never lengthens a body's strings, literals or spacing; only a number can grow
 * (`1e20` is written out as 21 digits), less than six-fold. So data read from a body serialises to at most this many
 * times the body's bytes.
 */
export const MAX_REWRITTEN_GROWTH = 6;

/**
 * Whether the event is certainly within the limit without serialising its data: only when that data is what was read
 * from the body (not a quarantine record, not redacted) and the body, grown by the most it can, still fits.
 */
const certainlyFits = (routed: RoutedDelivery | RejectedDelivery, metadata: JsonObject, body: Uint8Array, dataFromBody: boolean, limit: number): boolean =>
  dataFromBody &&
  (routed.outcome === 'event' || routed.outcome === 'unrecognized') &&
  Buffer.byteLength(routed.record.type) + MAX_REWRITTEN_GROWTH * body.byteLength + jsonBytes(metadata) <= limit;

type FitOptions = {
  /** The record's data is the body's own `data`, as read (then its size is bounded by the body's). */
  readonly dataFromBody?: boolean;
  readonly limit?: number;
};

/**
 * Keeps every delivery within what the store takes. A body of up to MAX_BODY_BYTES can exceed it once escaped
 * into quarantine (control characters grow six-fold, base64 by a third) or with its metadata beside it. Such a
 * delivery is not refused (the provider would retry it forever) but quarantined in part: the first bytes of the
 * body that fit (as base64, whose size is exact), the received size and the SHA-256 of the whole body, with a
 * reason that says so. Its id derives from the content as usual, so the provider's retries stay duplicates.
 */
export const fitToStore = (
  routed: RoutedDelivery | RejectedDelivery,
  metadata: JsonObject,
  body: Uint8Array,
  { dataFromBody = false, limit = MAX_EVENT_BYTES }: FitOptions = {},
): RoutedDelivery | RejectedDelivery => {
  if (certainlyFits(routed, metadata, body, dataFromBody, limit)) return routed;
  const size = eventBytes(routed.record.type, routed.record.data, metadata);
  if (size <= limit) return routed;
  const room = limit - eventBytes(QUARANTINED_EVENT_TYPE, {}, metadata) - RECORD_OVERHEAD_BYTES;
  const keptBytes = Math.max(0, Math.floor((room * 3) / 4));
  const reason = `delivery too large for the event store: ${size} bytes with its metadata, limit ${limit}; the first ${Math.min(keptBytes, body.byteLength)} of ${body.byteLength} body bytes are kept`;
  const issues = [{ path: '$', message: reason }];
  const event =
    routed.outcome === 'event' || routed.outcome === 'unrecognized'
      ? routed.record.type
      : (routed.record.data as QuarantineRecordData).event;
  const data: QuarantineRecordData = {
    reason,
    issues,
    ...(event === undefined ? {} : { event }),
    ...(routed.facts.deliveryId === undefined ? {} : { delivery_id: routed.facts.deliveryId }),
    body_base64: Buffer.from(body.subarray(0, keptBytes)).toString('base64'),
    body_truncated: true,
    body_bytes: body.byteLength,
    body_sha256: createHash('sha256').update(body).digest('hex'),
  };
  const record = {
    stream: QUARANTINE_STREAM,
    id: quarantineEventId(`oversized\n${routed.record.id}`),
    type: QUARANTINED_EVENT_TYPE,
    data,
  };
  return routed.outcome === 'rejected'
    ? { ...routed, reason, issues, record }
    : { outcome: 'quarantined', reason, issues, facts: routed.facts, record };
};
