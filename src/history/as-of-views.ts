import { bookingsProjection, contactsProjection } from '../../projections/registry.js';
import type { EventStore } from '../store/event-store.js';
import { entityAsOf, type PointInTime } from './entity-as-of.js';

/** A contact as it was, with the contacts projection the read model uses. */
export const contactAsOf = (store: EventStore, key: string, point: PointInTime, signal?: AbortSignal) =>
  entityAsOf(store, contactsProjection, 'contact', key, point, signal);

/** A booking as it was, with the bookings projection the read model uses. */
export const bookingAsOf = (store: EventStore, key: string, point: PointInTime, signal?: AbortSignal) =>
  entityAsOf(store, bookingsProjection, 'booking', key, point, signal);
