import { describe, expect, it } from 'vitest';
import { bookingsProjection } from '../../projections/bookings.js';
import { type ProjectedEvent } from '../../projections/projection.js';
import { foldViews, keysTouched } from '../../projections/fold.js';
import { nestedExamples, undocumentedBookingExamples } from '../fixtures/reference-deliveries.js';
import { projectedDelivery, projectedEvent } from '../support/projected-event.js';

const ENVELOPE = '2026-03-06T00:00:00.000000Z';
const SARAH = { id: 42, name: 'Sarah Johnson' };
const created = (booking: object) => projectedEvent('booking.created', { booking: { id: 101, ...booking }, contact: SARAH }, ENVELOPE);
const updated = (booking: object) => projectedEvent('booking.updated', { booking: { id: 101, ...booking } }, ENVELOPE);
const cancelled = (at: string, extra: object = {}) =>
  projectedEvent('booking.cancelled', { booking: { id: 101, status: 'cancelled', cancelled_at: at, ...extra } }, ENVELOPE);
const completed = (at: string, extra: object = {}) =>
  projectedEvent('booking.completed', { booking: { id: 101, status: 'completed', completed_at: at, ...extra } }, ENVELOPE);

/** The booking's row once the events have arrived in the order given. */
const booking = (...events: ProjectedEvent[]) => foldViews(bookingsProjection, events).get('101');
const anomaly = (event: ProjectedEvent, why: string) => ({ event: event.event.type, event_id: event.id, occurred_at: event.event.occurred_at, why });

const reference = nestedExamples.filter((delivery) => delivery.event.startsWith('booking.')).map(projectedDelivery);
const CANCELLED_REFERENCE = {
  id: 101,
  contact_id: 42,
  title: 'Consultation – Sarah Johnson',
  status: 'cancelled',
  starts_at: '2026-03-10T14:00:00.000000Z',
  ends_at: '2026-03-10T15:00:00.000000Z',
  notes: null,
  created_at: '2026-03-04T14:00:00.000000Z',
  updated_at: '2026-03-05T09:00:00.000000Z',
  cancelled_at: '2026-03-05T09:00:00.000000Z',
  completed_at: null,
  anomalies: [],
  partial: false,
};

describe('bookings: the reference examples', () => {
  it('given booking.created then booking.cancelled, shows the cancelled booking', () => {
    expect(booking(...reference)).toStrictEqual(CANCELLED_REFERENCE);
  });

  it('given the cancellation before the creation, ends cancelled with the created fields filled in', () => {
    const [creation, cancellation] = reference;
    expect(booking(cancellation!)).toMatchObject({ status: 'cancelled', title: null, contact_id: 42, partial: true });
    expect(booking(cancellation!, creation!)).toStrictEqual(CANCELLED_REFERENCE);
  });

  it('given an update and a completion without a creation, shows a partial completed booking', () => {
    const row = foldViews(bookingsProjection, undocumentedBookingExamples.map(projectedDelivery)).get('102');
    expect(row).toMatchObject({
      status: 'completed',
      starts_at: '2026-03-11T10:00:00.000000Z',
      completed_at: '2026-03-11T11:05:00.000000Z',
      anomalies: [],
      partial: true,
    });
  });
});

describe('bookings: changes', () => {
  const creation = created({ title: 'Consultation', status: 'pending', starts_at: '2026-03-10T14:00:00.000000Z', created_at: '2026-03-04T14:00:00.000000Z' });
  const reschedule = updated({ starts_at: '2026-03-11T09:00:00.000000Z', updated_at: '2026-03-04T15:00:00.000000Z' });

  it('given a reschedule that arrives before the creation, keeps the rescheduled time and fills in the rest', () => {
    expect(booking(reschedule)).toMatchObject({ starts_at: '2026-03-11T09:00:00.000000Z', title: null, partial: true });
    expect(booking(reschedule, creation)).toMatchObject({
      title: 'Consultation',
      status: 'pending',
      contact_id: 42,
      starts_at: '2026-03-11T09:00:00.000000Z',
      updated_at: '2026-03-04T15:00:00.000000Z',
      partial: false,
    });
  });

  it('does not let a cancellation without contact erase the contact the creation named', () => {
    expect(booking(creation, cancelled('2026-03-05T09:00:00.000000Z'))?.contact_id).toBe(42);
  });

  it('orders a creation and a cancellation of the same instant as creation first', () => {
    const sameInstant = cancelled('2026-03-04T14:00:00.000000Z');
    expect(booking(sameInstant, creation)).toMatchObject({ status: 'cancelled', anomalies: [] });
  });

  it('reads the flat format (the booking itself, with contact_id) and keeps extra fields', () => {
    const flat = projectedEvent('booking.created', { id: 101, contact_id: 7, booking_type_id: 3, resource_id: null, title: 'Flat' }, 1772625900);
    expect(booking(flat)).toMatchObject({ contact_id: 7, booking_type_id: 3, resource_id: null, created_at: 1772625900 });
  });
});

describe('bookings: terminal states', () => {
  const creation = created({ title: 'Consultation', status: 'confirmed', created_at: '2026-03-04T14:00:00.000000Z' });
  const completion = completed('2026-03-10T15:05:00.000000Z');
  const cancellation = cancelled('2026-03-10T16:00:00.000000Z');

  it('given a cancellation after a completion, the earlier (the completion) wins and the cancellation is an anomaly', () => {
    const expected = {
      status: 'completed',
      completed_at: '2026-03-10T15:05:00.000000Z',
      cancelled_at: null,
      anomalies: [anomaly(cancellation, 'booking.cancelled after the booking was completed at 2026-03-10T15:05:00.000000Z')],
    };
    expect(booking(creation, completion, cancellation)).toMatchObject(expected);
    expect(booking(cancellation, creation, completion)).toMatchObject(expected);
  });

  it('given a completion after a cancellation, the cancellation wins', () => {
    const early = cancelled('2026-03-09T10:00:00.000000Z');
    expect(booking(completion, early, creation)).toMatchObject({
      status: 'cancelled',
      cancelled_at: '2026-03-09T10:00:00.000000Z',
      completed_at: null,
      anomalies: [anomaly(completion, 'booking.completed after the booking was cancelled at 2026-03-09T10:00:00.000000Z')],
    });
  });

  it('given two terminal events of the same microsecond, the smaller event id wins', () => {
    const a = cancelled('2026-03-10T15:05:00.000000Z');
    const b = completed('2026-03-10T17:05:00+02:00');
    const [winner, loser] = a.id < b.id ? [a, b] : [b, a];
    const status = winner === a ? 'cancelled' : 'completed';
    expect(booking(b, a)).toMatchObject({ status, anomalies: [{ event: loser.event.type, event_id: loser.id }] });
    expect(booking(a, b)).toMatchObject({ status, anomalies: [{ event: loser.event.type, event_id: loser.id }] });
  });

  it('does not apply an update dated after the terminal state: it is an anomaly', () => {
    const late = updated({ notes: 'too late', updated_at: '2026-03-10T17:00:00.000000Z' });
    expect(booking(creation, late, completion)).toMatchObject({
      status: 'completed',
      notes: null,
      updated_at: '2026-03-10T15:05:00.000000Z',
      anomalies: [anomaly(late, 'booking.updated after the booking was completed at 2026-03-10T15:05:00.000000Z')],
    });
  });

  it('applies an update dated before the terminal state even when it arrives after it', () => {
    const early = updated({ notes: 'bring documents', updated_at: '2026-03-05T10:00:00.000000Z' });
    expect(booking(creation, completion, early)).toMatchObject({ status: 'completed', notes: 'bring documents', anomalies: [] });
  });

  it('given an earlier terminal event arriving last, turns an already applied update into an anomaly', () => {
    const update = updated({ notes: 'moved', updated_at: '2026-03-10T15:30:00.000000Z' });
    expect(booking(creation, update)).toMatchObject({ notes: 'moved', anomalies: [] });
    expect(booking(creation, update, completion)).toMatchObject({ notes: null, anomalies: [{ event_id: update.id }] });
  });

  it('lists anomalies in business-time order, whatever the arrival order', () => {
    const late1 = updated({ notes: 'one', updated_at: '2026-03-11T00:00:00.000000Z' });
    const late2 = updated({ notes: 'two', updated_at: '2026-03-12T00:00:00.000000Z' });
    const ids = booking(late2, cancellation, late1, completion)?.anomalies.map((entry) => entry.event_id);
    expect(ids).toEqual([cancellation.id, late1.id, late2.id]);
  });

  it('keeps a creation dated after the terminal state (it describes the booking) without reopening it', () => {
    const lateCreation = created({ title: 'Late', status: 'confirmed', created_at: '2026-03-11T00:00:00.000000Z' });
    expect(booking(completion, lateCreation)).toMatchObject({ title: 'Late', status: 'completed', anomalies: [], partial: false });
  });

  it('returns the terminal timestamps exactly as received', () => {
    expect(booking(cancelled('2026-03-10T18:00:00.5+02:00'))?.cancelled_at).toBe('2026-03-10T18:00:00.5+02:00');
  });
});

describe('bookings: the projection as data', () => {
  it('knows nothing before the first event, and keys bookings by id', () => {
    expect(bookingsProjection.view(bookingsProjection.initial('101'))).toBeNull();
    expect(keysTouched(bookingsProjection, created({}))).toEqual(['101']);
  });
});
