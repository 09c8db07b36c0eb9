import { createHmac, timingSafeEqual } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';

export type SignatureError = { readonly kind: 'unauthorized'; readonly reason: string };

const PREFIX = 'sha256=';
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;

/** The value the provider puts in `X-Skylight-Signature` for this body. */
export const signBody = (secret: string, body: Uint8Array): string =>
  `${PREFIX}${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * Checks `X-Skylight-Signature: sha256=<hex>` against an HMAC-SHA256 of the raw body, keyed with the secret as
 * configured. The comparison is constant-time over equal-length digests (lengths are checked first because
 * timingSafeEqual throws on a mismatch).
 */
export const verifySignature = (
  secret: string,
  body: Uint8Array,
  header: string | undefined,
): E.Either<SignatureError, 'verified'> => {
  if (header === undefined || header === '') return E.left({ kind: 'unauthorized', reason: 'missing X-Skylight-Signature' });
  const hex = header.startsWith(PREFIX) ? header.slice(PREFIX.length) : '';
  if (!HEX_SHA256.test(hex)) return E.left({ kind: 'unauthorized', reason: 'malformed X-Skylight-Signature' });
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected)
    ? E.right('verified')
    : E.left({ kind: 'unauthorized', reason: 'signature does not match' });
};
