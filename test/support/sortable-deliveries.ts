/**
 * Deliveries whose lists have something to sort and to count: names that differ in case and accents, equal times,
 * values in several spellings, and rows without a value of the sort's field (contacts known only from a ticket or a
 * booking, a booking known only from its cancellation).
 */

let sequence = 0;
const delivery = (event: string, timestamp: string, data: Record<string, unknown>) => ({
  event,
  delivery_id: `sortable-${(sequence += 1)}`,
  timestamp,
  data,
});

const contact = (id: number, name: string, updatedAt: string, more: Record<string, unknown> = {}) =>
  delivery('contact.created', updatedAt, { contact: { id, name, type: 'whatsapp', status: 'active', tags: [], created_at: updatedAt, updated_at: updatedAt, ...more } });

const ticket = (id: number, priority: string | null, status: string, createdAt: string) =>
  delivery('ticket.created', createdAt, {
    ticket: { id, subject: `ticket ${id}`, status, ...(priority === null ? {} : { priority }), created_at: createdAt },
    contact: { id: 6 },
  });

const booking = (id: number, startsAt: string) =>
  delivery('booking.created', '2026-03-01T08:00:00.000000Z', {
    booking: { id, title: `booking ${id}`, status: 'confirmed', starts_at: startsAt, ends_at: startsAt, created_at: '2026-03-01T08:00:00.000000Z' },
    contact: { id: 7 },
  });

const at = (day: number, hour = 10) => `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000000Z`;

export const sortableDeliveries = [
  contact(1, 'bob', at(1), { status: 'Active', tags: ['VIP'] }),
  contact(2, 'Alice', at(3)),
  contact(3, 'Émile', at(2), { tags: ['vip', 'new'] }),
  contact(4, 'emily', at(2), { type: 'SMS' }),
  contact(5, 'alice', at(5), { status: 'blocked', tags: ['vip'] }),
  // 501–515: urgent; 516: Urgent; 517–519: normal; 520: no priority. 501 and 502 were created at the same time.
  ...Array.from({ length: 15 }, (_, index) => ticket(501 + index, 'urgent', 'open', at(index === 1 ? 1 : 1 + index))),
  ticket(516, 'Urgent', 'Open', at(20)),
  ...[517, 518, 519].map((id) => ticket(id, 'normal', 'closed', at(21))),
  ticket(520, null, 'pending', at(22)),
  booking(601, '2026-04-01T10:00:00.000000Z'),
  booking(602, '2026-03-20T10:00:00.000000Z'),
  booking(603, '2026-03-20T10:00:00.000000Z'),
  delivery('booking.cancelled', at(6), { booking: { id: 604, status: 'cancelled', cancelled_at: at(6) }, contact: { id: 7 } }),
];
