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

/** The filters each listed projection takes: what the API's query strings say, typed. */
export type ListFilters = {
  readonly contacts: ContactFilters;
  readonly bookings: BookingFilters;
  readonly tickets: TicketFilters;
};

export type ListedProjection = keyof ListFilters;
