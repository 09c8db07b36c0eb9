import { createHash } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { quarantineEventId } from '../events/canonical-json.js';
import {
  QUARANTINE_STREAM,
  QUARANTINED_EVENT_TYPE,
  routeDelivery,
  type DeliveryFacts,
  type QuarantineRecordData,
  type RejectedDelivery,
  type RoutedDelivery,
} from '../events/route-delivery.js';
import { describeEventStoreError } from '../store/event-store-error.js';
import type { EventStore, JsonObject } from '../store/event-store.js';
import type { AppendObserver } from './append-observer.js';
import type { IntakeOutcome } from './intake-outcome.js';
import { deliveryAbout, redactedDelivery } from './personal-data-of.js';
import { recordAttempt } from './record-attempt.js';
import { verifySignature, type WebhookSecret } from './signature.js';

type IntakeDeps = {
  readonly store: EventStore;
  /** When set, every delivery must carry an `X-Skylight-Signature` made with one of these secrets. */
  readonly webhookSecrets?: readonly WebhookSecret[] | undefined;
  /** The system clock when not given. */
  readonly now?: () => Date;
  /** Told the fingerprint of the secret that verified each delivery. */
  readonly onVerified?: ((fingerprint: string) => void) | undefined;
  readonly appends?: AppendObserver | undefined;
  /** Told the key of each contact whose contact.deleted was appended (ERASE_ON_CONTACT_DELETED). */
  readonly onContactDeleted?: ((contactKey: string) => void) | undefined;
};

export type IncomingDelivery = {
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly channel: DeliveryContext['channel'];
};

/** How the delivery's signature was checked; `fingerprint` names the secret that verified it (absent in old records). */
export type SignatureCheck =
  | { readonly status: 'verified'; readonly fingerprint?: string | undefined }
  | { readonly status: 'not_configured' };

/** What intake knows about the request beyond its body. */
type DeliveryContext = {
  readonly receivedAt: string;
  readonly signature: SignatureCheck;
  /** Every `X-Skylight-*` header received, lower-cased names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Where it came from: `http` or `cli`. */
  readonly channel: 'http' | 'cli' | 'quarantine-retry';
};

/** Metadata stored beside each event; `data` itself stays exactly as the provider sent it. */
export const deliveryMetadata = (facts: DeliveryFacts, context: DeliveryContext): JsonObject => ({
  delivery_id: facts.deliveryId ?? null,
  envelope_timestamp: facts.envelopeTimestamp ?? null,
  received_at: context.receivedAt,
  format: facts.format ?? null,
  signature: context.signature.status,
  ...(context.signature.status === 'verified' && context.signature.fingerprint !== undefined
    ? { signature_fingerprint: context.signature.fingerprint }
    : {}),
  channel: context.channel,
  headers: context.headers,
});

/** Keeps the provider's own headers (`x-skylight-*`) and nothing else of the request. */
export const skylightHeaders = (headers: IncomingDelivery['headers']): Record<string, string> => {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower.startsWith('x-skylight-') && value !== undefined) kept[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
};

/**
 * The largest event any store takes: EventStoreDB's default MaxAppendSize, 1 MiB counted over the event's type,
 * data and metadata (KurrentDB Services/Transport/Grpc/Streams.Append.cs). The embedded store has no such limit,
 * but applies the same one, so that switching stores never turns a kept delivery into a refused one.
 */
export const MAX_EVENT_BYTES = 1_048_576;

/** Room left for the quarantine record's own fields (reason, ids, digest) beside the kept bytes. */
const RECORD_OVERHEAD_BYTES = 2_048;

/** The size the store counts for an event: its type, its data and its metadata, as serialised JSON. */
export const eventBytes = (type: string, data: unknown, metadata: JsonObject): number =>
  Buffer.byteLength(type) + Buffer.byteLength(JSON.stringify(data ?? null)) + Buffer.byteLength(JSON.stringify(metadata));

/**
 * Serialising what `JSON.parse` read never lengthens a body's strings, literals or spacing; only a number can grow
 * (`1e20` is written out as 21 digits), less than six-fold. So data read from a body serialises to at most this many
 * times the body's bytes.
 */
export const MAX_REWRITTEN_GROWTH = 6;

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
  const fromBody = routed.outcome === 'event' || routed.outcome === 'unrecognized';
  // Certainly within the limit, without serialising the data: the data read from the body, grown by the most it can.
  const bound = Buffer.byteLength(routed.record.type) + MAX_REWRITTEN_GROWTH * body.byteLength + Buffer.byteLength(JSON.stringify(metadata));
  if (dataFromBody && fromBody && bound <= limit) return routed;
  const size = eventBytes(routed.record.type, routed.record.data, metadata);
  if (size <= limit) return routed;
  const room = limit - eventBytes(QUARANTINED_EVENT_TYPE, {}, metadata) - RECORD_OVERHEAD_BYTES;
  const keptBytes = Math.max(0, Math.floor((room * 3) / 4));
  const reason = `delivery too large for the event store: ${size} bytes with its metadata, limit ${limit}; the first ${Math.min(keptBytes, body.byteLength)} of ${body.byteLength} body bytes are kept`;
  const issues = [{ path: '$', message: reason }];
  const event = fromBody ? routed.record.type : (routed.record.data as QuarantineRecordData).event;
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
  const record = { stream: QUARANTINE_STREAM, id: quarantineEventId(`oversized\n${routed.record.id}`), type: QUARANTINED_EVENT_TYPE, data };
  return routed.outcome === 'rejected' ? { ...routed, reason, issues, record } : { outcome: 'quarantined', reason, issues, facts: routed.facts, record };
};

/**
 * Appends a routed delivery to its stream with the given metadata and says what became of it. The event id is
 * derived from the content, so appending the same delivery again stores nothing and reports the original. A delivery
 * about a person whose erasure has begun is stored redacted: the store decides, as it commits (`personal`).
 */
export const appendDelivery = async (
  store: EventStore,
  routed: RoutedDelivery | RejectedDelivery,
  metadata: JsonObject,
  appends?: AppendObserver,
): Promise<IntakeOutcome> => {
  const { stream, ...event } = routed.record;
  const personal = {
    about: () => deliveryAbout(routed),
    redacted: () => ({ data: redactedDelivery(routed), metadata: { ...metadata, erased_by: 'intake' } }),
  };
  const started = performance.now();
  const result = await store.append(stream, [{ ...event, metadata, personal }], 'any');
  appends?.append((performance.now() - started) / 1000, result);
  if (E.isLeft(result)) {
    appends?.storeError('append', result.left.kind);
    const reason = describeEventStoreError(result.left);
    return result.left.kind === 'stream_deleted' ? { status: 'stream_deleted', reason, event_id: event.id, stream } : { status: 'unavailable', reason };
  }
  const [appended] = result.right.events;
  if (appended === undefined) throw new Error(`store returned no result for the append to ${stream}`);
  const common = { event_id: appended.id, stream, position: appended.position };
  const duplicate = appended.status === 'duplicate';
  switch (routed.outcome) {
    case 'event':
      return { status: duplicate ? 'duplicate' : 'appended', event: event.type, ...common };
    case 'unrecognized':
      return { status: 'unrecognized', event: event.type, duplicate, ...common };
    case 'quarantined':
      return { status: 'quarantined', reason: routed.reason, duplicate, ...common };
    case 'rejected':
      return { status: 'rejected', reason: routed.reason, event_id: appended.id, position: appended.position };
  }
};

const CONTACT_STREAM = 'contact-';

/**
 * The one pipeline every delivery goes through, from HTTP or from a file: verify, route, fit to the store, append
 * durably, and say what happened. Nothing is dropped: unknown events and invalid bodies are stored in their own streams.
 */
export const acceptDelivery =
  (deps: IntakeDeps) =>
  async (incoming: IncomingDelivery): Promise<IntakeOutcome> => {
    let signature: SignatureCheck = { status: 'not_configured' };
    if (deps.webhookSecrets !== undefined) {
      const given = incoming.headers['x-skylight-signature'];
      const verified = verifySignature(deps.webhookSecrets, incoming.body, Array.isArray(given) ? given[0] : given);
      if (E.isLeft(verified)) return { status: 'unauthorized', reason: verified.left.reason };
      deps.onVerified?.(verified.right.fingerprint);
      signature = { status: 'verified', fingerprint: verified.right.fingerprint };
    }
    const routed = E.toUnion(routeDelivery(incoming.body));
    const metadata = deliveryMetadata(routed.facts, {
      receivedAt: (deps.now?.() ?? new Date()).toISOString(),
      signature,
      headers: skylightHeaders(incoming.headers),
      channel: incoming.channel,
    });
    const outcome = await appendDelivery(deps.store, fitToStore(routed, metadata, incoming.body, { dataFromBody: true }), metadata, deps.appends);
    // A provider retry: its attempt goes into the log too. Checked here, so that a first delivery runs nothing more.
    const repeated = outcome.status === 'duplicate' || ((outcome.status === 'unrecognized' || outcome.status === 'quarantined') && outcome.duplicate);
    const { deliveryId } = routed.facts;
    if (repeated && deliveryId !== undefined) return recordAttempt(deps.store, outcome, deliveryId, metadata, deps.appends);
    if (deps.onContactDeleted !== undefined && outcome.status === 'appended' && outcome.event === 'contact.deleted') {
      deps.onContactDeleted(outcome.stream.slice(CONTACT_STREAM.length));
    }
    return outcome;
  };
