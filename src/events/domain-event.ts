import type { BookingEventData } from './booking.js';
import type { ContactEventData } from './contact.js';
import type { ContactForgottenData } from './contact-forgotten.js';
import type { AttemptedDeliveryData, QuarantinedDeliveryData, UnrecognizedDeliveryData } from './delivery-log-events.js';
import type { MessageEventData } from './message.js';
import type { PingEventData } from './ping.js';
import type { TicketEventData } from './ticket.js';
import type { Timestamp } from './timestamp.js';

/** Every event name the provider documents. */
export const PROVIDER_EVENT_TYPES = [
  'contact.created',
  'contact.updated',
  'contact.deleted',
  'message.received',
  'message.sent',
  'booking.created',
  'booking.updated',
  'booking.cancelled',
  'booking.completed',
  'ticket.created',
  'ping',
] as const;
export type ProviderEventType = (typeof PROVIDER_EVENT_TYPES)[number];

/**
 * Every event the projections read: the provider's, and the engine's own: an erasure's contact.forgotten, and what
 * the delivery log reads of the deliveries kept aside and of further attempts (delivery-log-events.ts).
 */
export const EVENT_TYPES = [...PROVIDER_EVENT_TYPES, 'contact.forgotten', 'delivery.unrecognized', 'delivery.quarantined', 'delivery.attempted'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Each event's `data` in its canonical (nested) form, whatever format it arrived in. */
type EventData = {
  readonly 'contact.created': ContactEventData;
  readonly 'contact.updated': ContactEventData;
  readonly 'contact.deleted': ContactEventData;
  readonly 'message.received': MessageEventData;
  readonly 'message.sent': MessageEventData;
  readonly 'booking.created': BookingEventData;
  readonly 'booking.updated': BookingEventData;
  readonly 'booking.cancelled': BookingEventData;
  readonly 'booking.completed': BookingEventData;
  readonly 'ticket.created': TicketEventData;
  readonly ping: PingEventData;
  readonly 'contact.forgotten': ContactForgottenData;
  readonly 'delivery.unrecognized': UnrecognizedDeliveryData;
  readonly 'delivery.quarantined': QuarantinedDeliveryData;
  readonly 'delivery.attempted': AttemptedDeliveryData;
};

/** The `data` of the event of that name. */
export type DataOf<T extends EventType> = EventData[T];

/**
 * The events of the given names (a union for several). Mapped over the names themselves, so that code generic in
 * `T` indexes it to one event of name `T` and data `DataOf<T>`, and can build one from its name and data.
 */
export type DomainEventOf<T extends EventType> = {
  readonly [N in T]: {
    readonly type: N;
    readonly data: DataOf<N>;
    /** Business time: when it happened at the provider, taken from the payload, else the envelope. */
    readonly occurred_at: Timestamp;
  };
}[T];

/** The canonical form of a delivery, whatever format it arrived in. */
export type DomainEvent = DomainEventOf<EventType>;

export type ContactEvent = DomainEventOf<'contact.created' | 'contact.updated' | 'contact.deleted'>;
export type BookingEvent = DomainEventOf<'booking.created' | 'booking.updated' | 'booking.cancelled' | 'booking.completed'>;
export type TicketCreated = DomainEventOf<'ticket.created'>;
export type ContactForgotten = DomainEventOf<'contact.forgotten'>;

/** The two documented payload formats. */
export type PayloadFormat = 'nested' | 'flat';
