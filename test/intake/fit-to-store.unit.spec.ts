import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { routeDelivery } from '../../src/events/route-delivery.js';
import { eventBytes, fitToStore, MAX_REWRITTEN_GROWTH } from '../../src/intake/accept-delivery.js';
import { anyDelivery } from '../support/event-arbitraries.js';

const bytes = (text: string) => Buffer.byteLength(text);

/** Numbers as a sender may write them: short exponents grow the most when written out (`9e20`: 21 digits). */
const writtenNumber = fc
  .tuple(fc.constantFrom('', '-'), fc.integer({ min: 0, max: 9 }), fc.constantFrom('e', 'E', 'e+', 'e-'), fc.oneof(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 330 })))
  .map(([sign, digit, e, exponent]) => `${sign}${digit}${e}${exponent}`);

/** JSON text with every kind of token, escapes and spacing included. */
const jsonText = fc.oneof(
  fc.json(),
  writtenNumber,
  fc.array(writtenNumber, { maxLength: 20 }).map((numbers) => `[ ${numbers.join(' , ')} ]`),
  fc.string({ unit: 'binary' }).map((text) => JSON.stringify(text).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)),
);

describe('fitting a delivery to the store', () => {
  it(`never serialises what JSON.parse read to more than ${MAX_REWRITTEN_GROWTH} times its text`, () => {
    expect(bytes(JSON.stringify(JSON.parse('9e20')))).toBeGreaterThan(5 * bytes('9e20'));
    fc.assert(
      fc.property(jsonText, (text) => {
        expect(bytes(JSON.stringify(JSON.parse(text)))).toBeLessThanOrEqual(MAX_REWRITTEN_GROWTH * bytes(text));
      }),
      { numRuns: 2_000 },
    );
  });

  it('decides as the exact size does, with or without the bound from the body, at any limit', () => {
    fc.assert(
      fc.property(anyDelivery, fc.integer({ min: 0, max: 8_000 }), (delivery, limit) => {
        const body = Buffer.from(JSON.stringify(delivery));
        const routed = E.toUnion(routeDelivery(body));
        const metadata = { delivery_id: delivery.delivery_id, headers: { 'x-skylight-event': delivery.event } };
        const bounded = fitToStore(routed, metadata, body, { dataFromBody: true, limit });
        expect(bounded).toStrictEqual(fitToStore(routed, metadata, body, { limit }));
        expect(bounded === routed).toBe(eventBytes(routed.record.type, routed.record.data, metadata) <= limit);
      }),
    );
  });
});
