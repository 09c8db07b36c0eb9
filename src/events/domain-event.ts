import type { BookingEventData } from './booking.js';
import type { ContactEventData } from './contact.js';
import type { ContactForgottenData } from './contact-forgotten.js';
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

/** Every event the projections read: the provider's, and the engine's own (an erasure's contact.forgotten). */
export const EVENT_TYPES = [...PROVIDER_EVENT_TYPES, 'contact.forgotten'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const isEventType = (name: string): name is EventType => (EVENT_TYPES as readonly string[]).includes(name);

/** Only these are accepted from a webhook: nobody outside can send an engine event. */
export const isProviderEventType = (name: string): name is EventType => (PROVIDER_EVENT_TYPES as readonly string[]).includes(name);

type Event<T extends EventType, D> = {
  readonly type: T;
  readonly data: D;
  /** Business time: when it happened at the provider, taken from the payload, else the envelope. */
  readonly occurred_at: Timestamp;
};

type ContactCreated = Event<'contact.created', ContactEventData>;
type ContactUpdated = Event<'contact.updated', ContactEventData>;
type ContactDeleted = Event<'contact.deleted', ContactEventData>;
type MessageReceived = Event<'message.received', MessageEventData>;
type MessageSent = Event<'message.sent', MessageEventData>;
type BookingCreated = Event<'booking.created', BookingEventData>;
type BookingUpdated = Event<'booking.updated', BookingEventData>;
type BookingCancelled = Event<'booking.cancelled', BookingEventData>;
type BookingCompleted = Event<'booking.completed', BookingEventData>;
export type TicketCreated = Event<'ticket.created', TicketEventData>;
type Ping = Event<'ping', PingEventData>;
export type ContactForgotten = Event<'contact.forgotten', ContactForgottenData>;

/** The canonical form of a delivery, whatever format it arrived in. */
export type DomainEvent =
  | ContactCreated
  | ContactUpdated
  | ContactDeleted
  | MessageReceived
  | MessageSent
  | BookingCreated
  | BookingUpdated
  | BookingCancelled
  | BookingCompleted
  | TicketCreated
  | Ping
  | ContactForgotten;

export type ContactEvent = ContactCreated | ContactUpdated | ContactDeleted;
export type BookingEvent = BookingCreated | BookingUpdated | BookingCancelled | BookingCompleted;

/** The two documented payload formats. */
export type PayloadFormat = 'nested' | 'flat';
