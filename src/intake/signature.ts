import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';

type SignatureError = { readonly kind: 'unauthorized'; readonly reason: string };

/** One accepted secret and the short name it is known by in metadata, metrics and logs (never the secret). */
export type WebhookSecret = { readonly secret: string; readonly fingerprint: string };

const PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The first 8 hex digits of the secret's SHA-256: `printf %s "$SECRET" | sha256sum | cut -c1-8` gives the same. */
export const secretFingerprint = (secret: string): string => createHash('sha256').update(secret).digest('hex').slice(0, 8);

export const webhookSecrets = (secrets: readonly string[]): WebhookSecret[] =>
  secrets.map((secret) => ({ secret, fingerprint: secretFingerprint(secret) }));

/** The value the provider puts in `X-Skylight-Signature` for this body. */
export const signBody = (secret: string, body: Uint8Array): string =>
  `${PREFIX}${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * Checks `X-Skylight-Signature: sha256=<hex>` against an HMAC-SHA256 of the raw body keyed with each accepted
 * secret (several while a rotation is under way), and says which one matched. Each comparison is constant-time
 * over equal-length digests, and every secret is tried, so the time taken does not tell which one matched.
 */
export const verifySignature = (
  secrets: readonly WebhookSecret[],
  body: Uint8Array,
  header: string | undefined,
): E.Either<SignatureError, WebhookSecret> => {
  if (header === undefined || header === '') return E.left({ kind: 'unauthorized', reason: 'missing X-Skylight-Signature' });
  const hex = header.startsWith(PREFIX) ? header.slice(PREFIX.length) : '';
  if (!HEX_SHA256.test(hex)) return E.left({ kind: 'unauthorized', reason: 'malformed X-Skylight-Signature' });
  const given = Buffer.from(hex, 'hex');
  let matched: WebhookSecret | undefined;
  for (const candidate of secrets) {
    const expected = createHmac('sha256', candidate.secret).update(body).digest();
    if (timingSafeEqual(given, expected) && matched === undefined) matched = candidate;
  }
  return matched === undefined ? E.left({ kind: 'unauthorized', reason: 'signature does not match' }) : E.right(matched);
};
