import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { secretFingerprint, signBody, verifySignature, webhookSecrets } from '../../src/intake/signature.js';

const secret = `whsec_${'a'.repeat(64)}`;
const accepted = webhookSecrets([secret]);
const body = Buffer.from('{"event":"ping","delivery_id":"d","timestamp":1,"data":{}}');

describe('webhook signatures', () => {
  it('accept an HMAC-SHA256 of the raw body keyed with the secret as configured', () => {
    expect(verifySignature(accepted, body, signBody(secret, body))).toEqual(E.right({ secret, fingerprint: secretFingerprint(secret) }));
  });

  it('accept upper-case hex', () => {
    const header = `sha256=${signBody(secret, body).slice(7).toUpperCase()}`;
    expect(E.isRight(verifySignature(accepted, body, header))).toBe(true);
  });

  it.each([
    ['a missing header', undefined, 'missing X-Skylight-Signature'],
    ['an empty header', '', 'missing X-Skylight-Signature'],
    ['no sha256= prefix', signBody(secret, body).slice(7), 'malformed X-Skylight-Signature'],
    ['a short digest', 'sha256=abcd', 'malformed X-Skylight-Signature'],
    ['a wrong secret', signBody('whsec_other', body), 'signature does not match'],
  ])('refuse %s', (_name, header, reason) => {
    expect(verifySignature(accepted, body, header)).toEqual(E.left({ kind: 'unauthorized', reason }));
  });

  it('refuse a body with one byte flipped', () => {
    const flipped = Buffer.from(body);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    expect(E.isLeft(verifySignature(accepted, flipped, signBody(secret, body)))).toBe(true);
  });

  it('refuse the same JSON re-serialised', () => {
    const reserialised = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    expect(E.isLeft(verifySignature(accepted, reserialised, signBody(secret, body)))).toBe(true);
  });

  describe('during a rotation (several secrets accepted)', () => {
    const old = `whsec_${'o'.repeat(64)}`;
    const fresh = `whsec_${'n'.repeat(64)}`;
    const both = webhookSecrets([fresh, old]);

    it('verify a delivery signed with any of them, and say which one by its fingerprint', () => {
      expect(verifySignature(both, body, signBody(old, body))).toEqual(E.right({ secret: old, fingerprint: secretFingerprint(old) }));
      expect(verifySignature(both, body, signBody(fresh, body))).toEqual(E.right({ secret: fresh, fingerprint: secretFingerprint(fresh) }));
    });

    it('refuse a delivery signed with none of them', () => {
      expect(verifySignature(both, body, signBody(secret, body))).toEqual(E.left({ kind: 'unauthorized', reason: 'signature does not match' }));
    });

    it('name a secret by the first 8 hex digits of its SHA-256, never by the secret', () => {
      // printf %s 'whsec_0123456789abcdef' | sha256sum | cut -c1-8
      expect(secretFingerprint('whsec_0123456789abcdef')).toBe('b75b1473');
      expect(both.map((s) => s.fingerprint).join()).not.toContain('whsec');
    });
  });
});
