import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical-json.js';
import { isProviderEventType, parseEvent } from '../../src/events/parse-event.js';
import { redactEventData } from '../../src/events/personal-data.js';
import { redactEvent } from '../../src/events/redact-event.js';
import { anyDelivery } from '../support/event-arbitraries.js';

describe('erasing an event as the projections receive it', () => {
  it('gives the event that the erased log holds, in either format', () => {
    fc.assert(
      fc.property(anyDelivery, (delivery) => {
        if (!isProviderEventType(delivery.event)) return;
        const asReceived = parseEvent(delivery.event, delivery.data, () => delivery.timestamp);
        const asErased = parseEvent(delivery.event, redactEventData(delivery.event, delivery.data), () => delivery.timestamp);
        if (E.isLeft(asReceived) || E.isLeft(asErased)) throw new Error('both must parse');
        expect(canonicalJson(redactEvent(asReceived.right.event))).toBe(canonicalJson(asErased.right.event));
      }),
      { numRuns: 500 },
    );
  });
});
