import { describe, expect, it } from 'vitest';
import { evolveEntities, foldEvents, foldViews } from '../../projections/fold.js';
import type { ProjectedEvent, Projection } from '../../projections/projection.js';
import { bookingsProjection, contactsProjection, conversationsProjection, ticketsProjection } from '../../projections/registry.js';
import type { EventType } from '../../src/events/domain-event.js';
import { projectedEvent } from '../support/projected-event.js';

const ENVELOPE = '2026-03-04T23:59:00.000000Z';
const BEFORE = '2026-03-04T12:00:00.000000Z';
const FORGOTTEN_AT = '2026-03-04T13:00:00.000000Z';
const AFTER = '2026-03-04T14:00:00.000000Z';

const forget = projectedEvent(
  'contact.forgotten',
  { contact: { id: 42 }, erasure_id: 'erasure-1', reason: 'GDPR art. 17 request', forgotten_at: FORGOTTEN_AT, bookings: [101], tickets: [55] },
  ENVELOPE,
);
const updated = (at: string, name: string) =>
  projectedEvent('contact.updated', { contact: { id: 42, name, email: `${name}@example.com`, status: 'active', updated_at: at } }, ENVELOPE);
const booked = (id: number, at: string) =>
  projectedEvent('booking.created', { booking: { id, contact_id: 42, title: 'Cut', notes: 'allergic', status: 'confirmed', created_at: at } }, ENVELOPE);
const ticketOpened = (id: number, at: string) =>
  projectedEvent('ticket.created', { ticket: { id, contact_id: 42, subject: 'Refund', priority: 'high', created_at: at } }, ENVELOPE);
const received = (id: number, at: string) =>
  projectedEvent('message.received', { message: { id, content: 'my address is …', channel: 'whatsapp', sent_at: at }, contact: { id: 42 } }, ENVELOPE);

/** The row after the events, in the order given and in the reverse order: erasure must not depend on it. */
const rowAfter = <T extends EventType, S, V>(projection: Projection<T, S, V>, key: string, events: ProjectedEvent[]): V | undefined => {
  const row = foldViews(projection, events).get(key);
  expect(foldViews(projection, [...events].reverse()).get(key)).toStrictEqual(row);
  return row;
};

describe('erasure (contact.forgotten), the same for every projection', () => {
  it('erases the contact fields written before it, keeps those written after, and shows which erasure it was', () => {
    expect(rowAfter(contactsProjection, '42', [updated(BEFORE, 'sarah'), forget])).toMatchObject({
      name: '[redacted]',
      email: '[redacted]',
      status: 'active',
      forgotten: { at: FORGOTTEN_AT, reason: 'GDPR art. 17 request', erasure_id: 'erasure-1' },
    });
    expect(rowAfter(contactsProjection, '42', [updated(BEFORE, 'sarah'), forget, updated(AFTER, 'omar')])).toMatchObject({
      name: 'omar',
      email: 'omar@example.com',
    });
  });

  it('erases a write from before it that arrives after it, before that write is compared with what is there', () => {
    expect(rowAfter(contactsProjection, '42', [forget, updated(BEFORE, 'sarah')])).toMatchObject({ name: '[redacted]', email: '[redacted]' });
  });

  it('erases the title and notes of the bookings it names, not their state, and leaves the others', () => {
    const events = [booked(101, BEFORE), booked(102, BEFORE), forget];
    expect(rowAfter(bookingsProjection, '101', events)).toMatchObject({ title: '[redacted]', notes: '[redacted]', status: 'confirmed' });
    expect(rowAfter(bookingsProjection, '102', events)).toMatchObject({ title: 'Cut', notes: 'allergic' });
  });

  it('erases the subject of the tickets it names, and leaves the others', () => {
    const events = [ticketOpened(55, BEFORE), ticketOpened(56, BEFORE), forget];
    expect(rowAfter(ticketsProjection, '55', events)).toMatchObject({ subject: '[redacted]', priority: 'high' });
    expect(rowAfter(ticketsProjection, '56', events)).toMatchObject({ subject: 'Refund' });
  });

  it("erases what the contact's messages said before it, not that they were sent", () => {
    const row = rowAfter(conversationsProjection, '42', [received(201, BEFORE), received(202, AFTER), forget]);
    expect(row?.messages.map(({ content, channel }) => ({ content, channel }))).toEqual([
      { content: '[redacted]', channel: 'whatsapp' },
      { content: 'my address is …', channel: 'whatsapp' },
    ]);
  });

  it('changes nothing when it arrives again', () => {
    const states = foldEvents(contactsProjection, [updated(BEFORE, 'sarah'), forget]);
    const once = states.get('42');
    evolveEntities(contactsProjection, states, forget);
    expect(states.get('42')).toBe(once);
  });
});
