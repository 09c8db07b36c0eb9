import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical-json.js';
import { isProviderEventType, parseEvent } from '../../src/events/parse-event.js';
import { redactEventData, REDACTED, streamsNamed } from '../../src/events/personal-data.js';

const namesContact = (value: unknown, key: string) => streamsNamed(value).includes(`contact-${key}`);
import { flatExamples, nestedExamples } from '../fixtures/reference-deliveries.js';
import { anyDelivery } from '../support/event-arbitraries.js';

describe('redacting an event of a forgotten contact', () => {
  it('still parses, to the same stream and business time, and redacting again changes nothing', () => {
    fc.assert(
      fc.property(anyDelivery, (delivery) => {
        if (!isProviderEventType(delivery.event)) return;
        const redacted = redactEventData(delivery.event, delivery.data);
        const before = parseEvent(delivery.event, delivery.data, () => delivery.timestamp);
        const after = parseEvent(delivery.event, redacted, () => delivery.timestamp);
        if (E.isLeft(before) || E.isLeft(after)) throw new Error('both must parse');
        expect(after.right.stream).toBe(before.right.stream);
        expect(after.right.event.occurred_at).toBe(before.right.event.occurred_at);
        expect(canonicalJson(redactEventData(delivery.event, redacted))).toBe(canonicalJson(redacted));
      }),
      { numRuns: 500 },
    );
  });

  it('erases the personal fields of both formats and keeps ids, kinds, states and times', () => {
    const [created, , received, , booked] = nestedExamples;
    expect(redactEventData('contact.created', created?.data)).toEqual({
      contact: {
        id: 42,
        name: REDACTED,
        email: REDACTED,
        phone: REDACTED,
        type: 'whatsapp',
        status: 'active',
        blacklisted: false,
        tags: [],
        created_at: '2026-03-04T12:00:00.000000Z',
      },
    });
    expect(redactEventData('message.received', received?.data)).toMatchObject({
      message: { id: 201, direction: 'inbound', channel: 'whatsapp', content: REDACTED, status: 'received' },
      contact: { id: 42, name: REDACTED, type: 'whatsapp' },
    });
    expect(redactEventData('booking.created', booked?.data)).toMatchObject({ booking: { title: REDACTED, notes: null, status: 'confirmed' } });
    const flat = flatExamples.find((delivery) => delivery.event === 'message.received');
    expect(redactEventData('message.received', flat?.data)).toMatchObject({
      id: 901,
      contact_id: 77,
      value: REDACTED,
      message_type: 'text',
      header_image: null,
      campaign_id: null,
      created_at: '2026-03-04T13:00:00.000000Z',
    });
  });

  it('tells whether a body names the contact, in either format, at any depth', () => {
    expect(namesContact({ event: 'contact.updated', data: { id: 42 } }, '42')).toBe(true);
    expect(namesContact({ data: { booking: { contact_id: '42' } } }, '42')).toBe(true);
    expect(namesContact({ data: { message: {}, contact: { id: 42 } } }, '42')).toBe(true);
    expect(namesContact({ event: 'message.received', data: { id: 42, contact_id: 7 } }, '42')).toBe(false);
  });
});
