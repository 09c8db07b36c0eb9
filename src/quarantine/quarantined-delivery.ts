import { z } from 'zod';
import { keptBytes, QUARANTINED_EVENT_TYPE } from '../events/route-delivery.js';
import type { SignatureCheck } from '../intake/accept-delivery.js';
import type { RecordedEvent } from '../store/event-store.js';

/** What intake keeps in quarantine (`QuarantineRecordData`), read back. */
const KeptData = z.looseObject({
  reason: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })),
  event: z.string().optional(),
  delivery_id: z.string().optional(),
  body_text: z.string().optional(),
  body_base64: z.string().optional(),
  body_truncated: z.boolean().optional(),
  body_bytes: z.number().int().nonnegative().optional(),
});

/** The facts of the original request that a retry carries over (see `deliveryMetadata`). */
const KeptMetadata = z.looseObject({
  received_at: z.string().nullish(),
  signature: z.enum(['verified', 'not_configured']).catch('not_configured'),
  signature_fingerprint: z.string().optional().catch(undefined),
  headers: z.record(z.string(), z.string()).catch({}),
});

export type QuarantinedDelivery = {
  readonly recorded: RecordedEvent;
  readonly kept: z.infer<typeof KeptData>;
  /** The bytes that were received: the text re-encoded as UTF-8 (it was valid UTF-8), or the base64 decoded. */
  readonly body: Uint8Array;
  readonly receivedAt: string;
  readonly signature: SignatureCheck;
  readonly headers: Readonly<Record<string, string>>;
};

/** A quarantine record read back; undefined for anything else (only intake writes that stream). */
export const quarantinedDelivery = (recorded: RecordedEvent): QuarantinedDelivery | undefined => {
  const kept = KeptData.safeParse(recorded.data);
  const metadata = KeptMetadata.safeParse(recorded.metadata);
  if (recorded.type !== QUARANTINED_EVENT_TYPE || !kept.success || !metadata.success) return undefined;
  return {
    recorded,
    kept: kept.data,
    body: keptBytes(kept.data),
    receivedAt: metadata.data.received_at ?? recorded.recordedAt,
    signature:
      metadata.data.signature === 'verified'
        ? { status: 'verified', fingerprint: metadata.data.signature_fingerprint }
        : { status: 'not_configured' },
    headers: metadata.data.headers,
  };
};
