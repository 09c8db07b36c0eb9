import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../src/intake/signature.js';

const secret = `whsec_${'a'.repeat(64)}`;
const body = Buffer.from('{"event":"ping","delivery_id":"d","timestamp":1,"data":{}}');

describe('webhook signatures', () => {
  it('accept an HMAC-SHA256 of the raw body keyed with the secret as configured', () => {
    expect(verifySignature(secret, body, signBody(secret, body))).toEqual(E.right('verified'));
  });

  it('accept upper-case hex', () => {
    const header = `sha256=${signBody(secret, body).slice(7).toUpperCase()}`;
    expect(E.isRight(verifySignature(secret, body, header))).toBe(true);
  });

  it.each([
    ['a missing header', undefined, 'missing X-Skylight-Signature'],
    ['an empty header', '', 'missing X-Skylight-Signature'],
    ['no sha256= prefix', signBody(secret, body).slice(7), 'malformed X-Skylight-Signature'],
    ['a short digest', 'sha256=abcd', 'malformed X-Skylight-Signature'],
    ['a wrong secret', signBody('whsec_other', body), 'signature does not match'],
  ])('refuse %s', (_name, header, reason) => {
    expect(verifySignature(secret, body, header)).toEqual(E.left({ kind: 'unauthorized', reason }));
  });

  it('refuse a body with one byte flipped', () => {
    const flipped = Buffer.from(body);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect(E.isLeft(verifySignature(secret, flipped, signBody(secret, body)))).toBe(true);
  });

  it('refuse the same JSON re-serialised', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(E.isLeft(verifySignature(secret, reserialised, signBody(secret, body)))).toBe(true);
  });
});
