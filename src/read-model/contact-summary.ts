import { toMicros, type Timestamp } from '../events/timestamp.js';
import type { ReadModelQueries } from './read-model-queries.js';

export type ContactSummary = {
  readonly contact_id: string | number;
  readonly bookings: Record<string, number>;
  readonly open_tickets: number;
  readonly messages: number;
  readonly last_activity_at: Timestamp | null;
};

type Dated = { readonly [field: string]: unknown };

const latest = (candidates: readonly unknown[]): Timestamp | null =>
  candidates
    .filter((value): value is Timestamp => typeof value === 'string' || typeof value === 'number')
    .reduce<Timestamp | null>((best, value) => (best === null || toMicros(value) > toMicros(best) ? value : best), null);

/**
 * What a contact list shows beside each contact, computed from the other read models at query time so it can
 * never disagree with them: bookings by status, open tickets, messages, and the time of the latest activity.
 */
export const contactSummary = async (queries: ReadModelQueries, key: string, contactId: string | number): Promise<ContactSummary> => {
  const owned = { contact_id: key };
  const [contact, conversation, latestBooking, latestTicket, bookings, openTickets] = await Promise.all([
    queries.view<Dated>('contacts', key),
    queries.view<{ inbound_count: number; outbound_count: number; last_message_at: Timestamp }>('conversations', key),
    queries.latest<'bookings', Dated>('bookings', owned),
    queries.latest<'tickets', Dated>('tickets', owned),
    queries.countByStatus('bookings', owned),
    queries.countByStatus('tickets', { ...owned, status: 'open' }),
  ]);
  return {
    contact_id: contactId,
    bookings,
    // Every ticket the filter found is open, in whatever spelling ("Open" too): the filter forgives case.
    open_tickets: Object.values(openTickets).reduce((sum, count) => sum + count, 0),
    messages: (conversation?.inbound_count ?? 0) + (conversation?.outbound_count ?? 0),
    last_activity_at: latest([contact?.['updated_at'], conversation?.last_message_at, latestBooking?.['updated_at'], latestTicket?.['created_at']]),
  };
};
