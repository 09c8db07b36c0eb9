import type { z } from 'zod';
import type {
  AuditEntry,
  BookingFacets,
  BookingView,
  ContactFacets,
  ContactAudit,
  ContactSummary,
  ContactView,
  ConversationView,
  DeliveryView,
  Overview,
  QuarantineBody,
  QuarantinePage,
  RetryJob,
  RetryOutcome,
  StoredEvent,
  StreamHistory,
  TicketFacets,
  TicketView,
} from '../http/api-schemas.js';

/** The API's response types, inferred from the server's own zod schemas (types only: no engine code in the bundle). */
export type Contact = z.infer<typeof ContactView>;
export type Summary = z.infer<typeof ContactSummary>;
export type Conversation = z.infer<typeof ConversationView>;
export type Booking = z.infer<typeof BookingView>;
export type Ticket = z.infer<typeof TicketView>;
export type Delivery = z.infer<typeof DeliveryView>;
export type Audit = z.infer<typeof ContactAudit>;
export type AuditEntryView = z.infer<typeof AuditEntry>;
export type History = z.infer<typeof StreamHistory>;
export type HistoryEvent = z.infer<typeof StoredEvent>;
export type OverviewView = z.infer<typeof Overview>;
export type QuarantineList = z.infer<typeof QuarantinePage>;
export type QuarantineBodyView = z.infer<typeof QuarantineBody>;
export type Retry = z.infer<typeof RetryOutcome>;
export type RetryAll = z.infer<typeof RetryJob>;
export type Page<T> = { readonly items: T[]; readonly next_cursor: string | null; readonly prev_cursor: string | null };
export type ContactFacetsView = z.infer<typeof ContactFacets>;
export type BookingFacetsView = z.infer<typeof BookingFacets>;
export type TicketFacetsView = z.infer<typeof TicketFacets>;
export type Facet = TicketFacetsView['status'];
