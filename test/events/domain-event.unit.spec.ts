import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { BookingEventData } from '../../src/events/booking.js';
import type { ContactEventData } from '../../src/events/contact.js';
import type { DomainEventOf } from '../../src/events/domain-event.js';
import { parseEvent } from '../../src/events/parse-event.js';

// Type tests (checked by tsc): an event's name gives its own data.
describe('the event union', () => {
  it('narrows by name to that event: one name gives its own data, two give a union that `type` tells apart', () => {
    expectTypeOf<DomainEventOf<'booking.cancelled'>['data']>().toEqualTypeOf<BookingEventData>();
    const either = (event: DomainEventOf<'contact.deleted' | 'booking.updated'>) =>
      event.type === 'contact.deleted' ? event.data.contact.id : event.data.booking.id;
    expectTypeOf(either).returns.toEqualTypeOf<string | number>();
  });

  it('is what parseEvent reads an event of that name as', () => {
    const parsed = parseEvent('contact.updated', { contact: { id: 7, name: 'Ann' } }, () => '2026-03-04T12:00:00Z');
    if (E.isLeft(parsed)) throw new Error(parsed.left.reason);
    expectTypeOf(parsed.right.event.type).toEqualTypeOf<'contact.updated'>();
    expectTypeOf(parsed.right.event.data).toEqualTypeOf<ContactEventData>();
    expect(parsed.right.event).toEqual({ type: 'contact.updated', data: { contact: { id: 7, name: 'Ann' } }, occurred_at: '2026-03-04T12:00:00Z' });
  });
});
