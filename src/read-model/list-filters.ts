import type { DeliveryOutcome } from '../../projections/delivery-view.js';
import type { EntityId } from '../events/entity-id.js';

export type ContactFilters = {
  readonly tag?: string | undefined;
  readonly status?: string | undefined;
  readonly type?: string | undefined;
  readonly blacklisted?: boolean | undefined;
  /** A substring of name, email or phone, without regard to case, accents or phone punctuation (search-text.ts). */
  readonly q?: string | undefined;
  readonly include_deleted?: boolean | undefined;
};

export type BookingFilters = {
  readonly status?: string | undefined;
  readonly contact_id?: EntityId | undefined;
  /** Bounds on starts_at, in microseconds since the epoch (inclusive). */
  readonly from_us?: number | undefined;
  readonly to_us?: number | undefined;
};

export type TicketFilters = {
  readonly status?: string | undefined;
  readonly priority?: string | undefined;
  readonly contact_id?: EntityId | undefined;
};

export type DeliveryFilters = {
  readonly event?: string | undefined;
  readonly outcome?: DeliveryOutcome | undefined;
  /** The entity a delivery is about, as `contact-42`. */
  readonly entity?: string | undefined;
  /** Bounds on received_at, in microseconds since the epoch (inclusive). */
  readonly from_us?: number | undefined;
  readonly to_us?: number | undefined;
  /** An event id, or the delivery id of any attempt. */
  readonly q?: string | undefined;
};

/** The filters each listed projection takes: what the API's query strings say, typed. */
export type ListFilters = {
  readonly contacts: ContactFilters;
  readonly bookings: BookingFilters;
  readonly tickets: TicketFilters;
  readonly deliveries: DeliveryFilters;
};

export type ListedProjection = keyof ListFilters;
