import * as E from 'fp-ts/lib/Either.js';
import { routeDelivery } from '../events/route-delivery.js';
import type { EventStore } from '../store/event-store.js';
import { appendDelivery } from './append-delivery.js';
import { fitToStore } from './fit-to-store.js';
import { deliveryMetadata, skylightHeaders, type DeliveryContext, type SignatureCheck } from './delivery-metadata.js';
import type { IntakeOutcome } from './intake-outcome.js';
import { verifySignature, type WebhookSecret } from './signature.js';

type IntakeDeps = {
  readonly store: EventStore;
  /** When set, every delivery must carry an `X-Skylight-Signature` made with one of these secrets. */
  readonly webhookSecrets?: readonly WebhookSecret[] | undefined;
  readonly now: () => Date;
  /** Told the fingerprint of the secret that verified each delivery. */
  readonly onVerified?: ((fingerprint: string) => void) | undefined;
};

export type IncomingDelivery = {
  readonly body: Uint8Array;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly channel: DeliveryContext['channel'];
};

const header = (headers: IncomingDelivery['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/**
 * The one pipeline every delivery goes through, from HTTP or from a file: verify, route, append durably, and say
 * what happened. Nothing is dropped: unknown events and invalid bodies are stored in their own streams.
 */
export const acceptDelivery =
  (deps: IntakeDeps) =>
  async (incoming: IncomingDelivery): Promise<IntakeOutcome> => {
    let signature: SignatureCheck = { status: 'not_configured' };
    if (deps.webhookSecrets !== undefined) {
      const verified = verifySignature(deps.webhookSecrets, incoming.body, header(incoming.headers, 'x-skylight-signature'));
      if (E.isLeft(verified)) return { status: 'unauthorized', reason: verified.left.reason };
      deps.onVerified?.(verified.right.fingerprint);
      signature = { status: 'verified', fingerprint: verified.right.fingerprint };
    }
    const routed = E.toUnion(routeDelivery(incoming.body));
    const metadata = deliveryMetadata(routed.facts, {
      receivedAt: deps.now().toISOString(),
      signature,
      headers: skylightHeaders(incoming.headers),
      channel: incoming.channel,
    });
    const fitted = fitToStore(routed, metadata, incoming.body, { dataFromBody: true });
    return appendDelivery(deps.store, fitted, metadata);
  };
