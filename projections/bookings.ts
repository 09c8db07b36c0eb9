import type { Booking } from '../src/events/booking.js';
import { canonicalJson } from '../src/events/canonical-json.js';
import type { BookingEvent } from '../src/events/domain-event.js';
import { entityKey } from '../src/events/entity-id.js';
import type { Timestamp } from '../src/events/timestamp.js';
import type { BookingAnomaly, BookingView } from './booking-view.js';
import { isRecord } from './is-record.js';
import { eraseObject, type BusinessProjection } from './erasure.js';
import { withErasure } from './fold.js';
import { compareNumbers, compareText, type Clock } from './last-writer-wins.js';
import { extraFields } from './view-row.js';

/** One booking event, reduced to what the view needs. */
export type BookingEntry = {
  readonly eventId: string;
  readonly type: BookingEvent['type'];
  readonly micros: number;
  readonly occurred_at: Timestamp;
  readonly booking: Booking;
};

/**
 * The booking's events as a set (one entry per event id), in business-time order. Whether an update still applies
 * depends on the earliest terminal event, which a late delivery can move earlier, so the view is derived from the
 * whole set rather than accumulated.
 */
export type BookingState = { readonly events: readonly BookingEntry[] };

const TERMINAL = { 'booking.cancelled': 'cancelled', 'booking.completed': 'completed' } as const;
type Closing = BookingEntry & { readonly type: keyof typeof TERMINAL };
const isTerminal = (entry: BookingEntry): entry is Closing => Object.hasOwn(TERMINAL, entry.type);

/** Within one instant a booking is created, then changed, then closed; the event id orders the rest. */
const RANK = { 'booking.created': 0, 'booking.updated': 1, 'booking.cancelled': 2, 'booking.completed': 2 } as const;

const compareEntries = (a: BookingEntry, b: BookingEntry): number =>
  compareNumbers(a.micros, b.micros) ||
  RANK[a.type] - RANK[b.type] ||
  compareText(a.eventId, b.eventId) ||
  compareText(canonicalJson(a), canonicalJson(b));

/** One entry per event id; of two copies with different business times (envelope fallback), the later stays. */
const evolve: Bookings['evolve'] = (state, projected) => {
  const { id, event } = projected;
  const { type, occurred_at, data } = event;
  const entry = { eventId: id, type, micros: projected.micros, occurred_at, booking: data.booking };
  const twin = state.events.find((other) => other.eventId === id);
  if (twin !== undefined && compareEntries(entry, twin) <= 0) return state;
  return { ...state, events: [...state.events.filter((other) => other !== twin), entry].sort(compareEntries) };
};

/** A booking's title, notes and unknown fields are its contact's personal data; erasing them moves no entry. */
const erase = (state: BookingState, until: Clock): BookingState => {
  const events = state.events.map((entry) => {
    const booking = eraseObject('booking', entry.booking, entry, until);
    return booking === entry.booking ? entry : { ...entry, booking };
  });
  return events.every((entry, index) => entry === state.events[index]) ? state : { ...state, events };
};

/** The fields an object sets: an absent or undefined one says nothing. */
const said = <O extends object>(object: O): Partial<O> => {
  const fields: Partial<O> = {};
  for (const field in object) if (object[field] !== undefined) fields[field] = object[field];
  return fields;
};

/** What one event says about the booking; a null contact_id means "not said" (the parser fills it so). */
const fieldsOf = ({ type, booking, occurred_at }: BookingEntry): Partial<Booking> => {
  const { contact_id, ...fields } = said(booking);
  const created = type === 'booking.created' ? { created_at: booking.created_at ?? occurred_at } : {};
  return { ...fields, ...(contact_id == null ? {} : { contact_id }), ...created, updated_at: booking.updated_at ?? occurred_at };
};

const closingFields = ({ type, booking, occurred_at }: Closing): Partial<Booking> =>
  type === 'booking.cancelled'
    ? { status: 'cancelled', cancelled_at: booking.cancelled_at ?? occurred_at }
    : { status: 'completed', completed_at: booking.completed_at ?? occurred_at };

const anomalyOf =
  (closing: Closing) =>
  (entry: BookingEntry): BookingAnomaly => ({
    event: entry.type,
    event_id: entry.eventId,
    occurred_at: entry.occurred_at,
    why: `${entry.type} after the booking was ${TERMINAL[closing.type]} at ${String(closing.occurred_at)}`,
  });

/**
 * The earliest terminal event (business time, then smaller event id) closes the booking: from then on it cannot
 * change. Every later terminal event and every later update is not applied and shows as an anomaly instead; a
 * booking.created always applies (it describes the booking rather than changing it).
 */
const view = ({ events }: BookingState): BookingView | null => {
  const closing = events.find(isTerminal);
  // Entries are one per event id, so two distinct entries are ordered before their content is ever compared.
  const isLate = (entry: BookingEntry) =>
    closing !== undefined && entry !== closing && entry.type !== 'booking.created' && compareEntries(entry, closing) > 0;
  const applied = events.filter((entry) => !isLate(entry)).reduce<Partial<Booking>>((fields, entry) => ({ ...fields, ...fieldsOf(entry) }), {});
  const values = closing === undefined ? applied : { ...applied, ...closingFields(closing) };
  if (values.id === undefined) return null;
  const documented = {
    id: values.id,
    contact_id: values.contact_id ?? null,
    title: values.title ?? null,
    status: values.status ?? null,
    starts_at: values.starts_at ?? null,
    ends_at: values.ends_at ?? null,
    notes: values.notes ?? null,
    created_at: values.created_at ?? null,
    updated_at: values.updated_at ?? null,
    cancelled_at: values.cancelled_at ?? null,
    completed_at: values.completed_at ?? null,
  };
  return {
    ...documented,
    ...extraFields(documented, values),
    anomalies: closing === undefined ? [] : events.filter(isLate).map(anomalyOf(closing)),
    partial: !events.some((entry) => entry.type === 'booking.created'),
  };
};

type Bookings = BusinessProjection<BookingEvent['type'], BookingState, BookingView>;

const bookings: Bookings = {
  name: 'bookings',
  version: 4,
  handles: ['booking.created', 'booking.updated', 'booking.cancelled', 'booking.completed'],
  keysOf: ({ event }) => [entityKey(event.data.booking.id)],
  initial: () => ({ events: [] }),
  evolve,
  view,
  isState: (stored): stored is BookingState => isRecord(stored) && Array.isArray(stored['events']),
};

export const bookingsProjection = withErasure(bookings, { keysOf: (forget) => forget.bookings.map(entityKey), erase });
