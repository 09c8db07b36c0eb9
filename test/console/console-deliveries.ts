import { nestedExamples, undocumentedBookingExamples, type Delivery } from '../fixtures/reference-deliveries.js';

/** What the browser suite feeds the server: the reference examples, plus the cases the console must show. */

const byEvent = (event: string): Delivery => {
  const found = nestedExamples.find((delivery) => delivery.event === event);
  if (found === undefined) throw new Error(`no reference example of ${event}`);
  return found;
};

/**
 * Sarah (contact 42): her update (12:05) is delivered before her creation (12:00), so the creation arrives after a
 * later change and the timeline marks it late. Her booking 101 is cancelled, then reported completed: an anomaly.
 */
export const sarahFirstWave: Delivery[] = [byEvent('contact.updated')];
export const sarahSecondWave: Delivery[] = [
  byEvent('contact.created'),
  byEvent('message.received'),
  byEvent('message.sent'),
  byEvent('booking.created'),
  byEvent('booking.cancelled'),
  byEvent('ticket.created'),
  ...undocumentedBookingExamples,
  {
    event: 'booking.completed',
    delivery_id: '0b1e6f0a-0c01-4d6a-8d0a-000000000c01',
    timestamp: '2026-03-10T15:05:00.000000Z',
    data: { booking: { id: 101, status: 'completed', completed_at: '2026-03-10T15:05:00.000000Z' }, contact: { id: 42 } },
  },
];

/** A contact whose name is markup: the console must show it as text, never run it. */
export const MARKUP_NAME = '<img src=x onerror=alert(1)>';
export const markupContact: Delivery = {
  event: 'contact.created',
  delivery_id: '0b1e6f0a-0c02-4d6a-8d0a-000000000c02',
  timestamp: '2026-03-04T12:00:00.000000Z',
  data: { contact: { id: 666, name: MARKUP_NAME, email: 'markup@example.com', created_at: '2026-03-04T12:00:00.000000Z' } },
};

/** Contact 808, created and deleted: found only with "Include deleted", shown as a tombstone. */
export const deletedContact: Delivery[] = [
  {
    event: 'contact.created',
    delivery_id: '0b1e6f0a-0c07-4d6a-8d0a-000000000c07',
    timestamp: '2026-03-02T10:00:00.000000Z',
    data: { contact: { id: 808, name: 'Dora Deleted', tags: ['lead'], created_at: '2026-03-02T10:00:00.000000Z' } },
  },
  {
    event: 'contact.deleted',
    delivery_id: '0b1e6f0a-0c08-4d6a-8d0a-000000000c08',
    timestamp: '2026-03-03T10:00:00.000000Z',
    data: { contact: { id: 808, deleted_at: '2026-03-03T10:00:00.000000Z' } },
  },
];

/** Sent while the overview is open, then once more as a provider retry (new delivery id, same content). */
export const newcomer: Delivery = {
  event: 'contact.created',
  delivery_id: '0b1e6f0a-0c05-4d6a-8d0a-000000000c05',
  timestamp: '2026-03-06T10:00:00.000000Z',
  data: { contact: { id: 700, name: 'Nadia Newcomer', created_at: '2026-03-06T10:00:00.000000Z' } },
};

/** Unreadable today (no contact id), with markup in its body. */
export const invalidDelivery: Delivery = {
  event: 'contact.created',
  delivery_id: '0b1e6f0a-0c03-4d6a-8d0a-000000000c03',
  timestamp: '2026-03-04T12:00:00.000000Z',
  data: { contact: { name: '<script>alert(2)</script>' } },
};

/** Valid today; kept by an (imagined) older version whose schema rejected it, so a retry appends it. */
export const passesNow: Delivery = {
  event: 'contact.created',
  delivery_id: '0b1e6f0a-0c04-4d6a-8d0a-000000000c04',
  timestamp: '2026-03-01T09:00:00.000000Z',
  data: { contact: { id: 601, name: 'Lena Ortiz', email: 'lena@example', created_at: '2026-03-01T09:00:00.000000Z' } },
};

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 8, 0, 0) + minute * 60_000).toISOString().replace('Z', '000Z');

/** Contact 900: 200 audit entries (its creation and 199 updates) and 500 messages, to measure a big contact page. */
export const bigContact = (): Delivery[] => {
  const id = 900;
  const created: Delivery = {
    event: 'contact.created',
    delivery_id: '0b1e6f0a-0900-4d6a-8d0a-000000000000',
    timestamp: at(0),
    data: { contact: { id, name: 'Big History', email: 'big@example.com', phone: '+15550000900', created_at: at(0) } },
  };
  const updates = Array.from({ length: 199 }, (_, index): Delivery => ({
    event: 'contact.updated',
    delivery_id: `0b1e6f0a-0901-4d6a-8d0a-${String(index).padStart(12, '0')}`,
    timestamp: at(index + 1),
    data: { contact: { id, name: `Big History ${index + 1}`, tags: [`t${index % 7}`], updated_at: at(index + 1) } },
  }));
  const messages = Array.from({ length: 500 }, (_, index): Delivery => {
    const inbound = index % 2 === 0;
    return {
      event: inbound ? 'message.received' : 'message.sent',
      delivery_id: `0b1e6f0a-0902-4d6a-8d0a-${String(index).padStart(12, '0')}`,
      timestamp: at(300 + index),
      data: {
        message: {
          id: 90_000 + index,
          direction: inbound ? 'inbound' : 'outbound',
          channel: 'whatsapp',
          content: `message ${index}`,
          status: inbound ? 'received' : 'sent',
          sent_at: at(300 + index),
        },
        contact: { id },
      },
    };
  });
  return [created, ...updates, ...messages];
};
