import type { DeliveryFacts } from '../events/route-delivery.js';
import type { JsonObject } from '../store/event-store.js';

/** How the delivery's signature was checked; `fingerprint` names the secret that verified it (absent in old records). */
export type SignatureCheck =
  | { readonly status: 'verified'; readonly fingerprint?: string | undefined }
  | { readonly status: 'not_configured' };

/** What intake knows about the request beyond its body. */
export type DeliveryContext = {
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
export const skylightHeaders = (headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => name.toLowerCase().startsWith('x-skylight-') && value !== undefined)
      .map(([name, value]) => [name.toLowerCase(), Array.isArray(value) ? value.join(', ') : String(value)]),
  );
