import type { z } from 'zod';
import { BookingEventData, FlatBookingEventData } from './booking.js';
import { ContactEventData, FlatContactEventData } from './contact.js';
import { ContactForgottenData } from './contact-forgotten.js';
import type { DataOf, EventType } from './domain-event.js';
import { entityKey } from './entity-id.js';
import { flatMessageEventData, MessageEventData } from './message.js';
import { PingEventData } from './ping.js';
import { FlatTicketEventData, TicketEventData } from './ticket.js';
import type { Timestamp } from './timestamp.js';

/** What the engine knows about one event name: how to read its data, where it is stored, when it happened. */
type EventDefinition<T extends EventType> = {
  /** The key under `data` that marks the nested format (absent: the flat format). */
  readonly nestedKey: string;
  readonly nested: z.ZodType<DataOf<T>, unknown>;
  readonly flat: z.ZodType<DataOf<T>, unknown>;
  readonly stream: (data: DataOf<T>) => string;
  readonly businessTime: (data: DataOf<T>) => Timestamp | null | undefined;
};

const contact = (businessTime: EventDefinition<'contact.created'>['businessTime']) => ({
  nestedKey: 'contact',
  nested: ContactEventData,
  flat: FlatContactEventData,
  stream: (data: ContactEventData) => `contact-${entityKey(data.contact.id)}`,
  businessTime,
});

const message = (direction: 'inbound' | 'outbound') => ({
  nestedKey: 'message',
  nested: MessageEventData,
  flat: flatMessageEventData(direction),
  stream: (data: MessageEventData) => `conversation-${entityKey(data.contact.id)}`,
  businessTime: (data: MessageEventData) => data.message.sent_at,
});

const booking = (businessTime: EventDefinition<'booking.created'>['businessTime']) => ({
  nestedKey: 'booking',
  nested: BookingEventData,
  flat: FlatBookingEventData,
  stream: (data: BookingEventData) => `booking-${entityKey(data.booking.id)}`,
  businessTime,
});

export const eventCatalogue: { readonly [T in EventType]: EventDefinition<T> } = {
  'contact.created': contact((data) => data.contact.created_at),
  'contact.updated': contact((data) => data.contact.updated_at),
  'contact.deleted': contact((data) => data.contact.deleted_at),
  'message.received': message('inbound'),
  'message.sent': message('outbound'),
  'booking.created': booking((data) => data.booking.created_at),
  'booking.updated': booking((data) => data.booking.updated_at),
  'booking.cancelled': booking((data) => data.booking.cancelled_at ?? data.booking.updated_at),
  'booking.completed': booking((data) => data.booking.completed_at ?? data.booking.updated_at),
  'ticket.created': {
    nestedKey: 'ticket',
    nested: TicketEventData,
    flat: FlatTicketEventData,
    stream: (data) => `ticket-${entityKey(data.ticket.id)}`,
    businessTime: (data) => data.ticket.created_at,
  },
  // Written by the engine in one format only.
  'contact.forgotten': {
    nestedKey: 'contact',
    nested: ContactForgottenData,
    flat: ContactForgottenData,
    stream: (data) => `contact-${entityKey(data.contact.id)}`,
    businessTime: (data) => data.forgotten_at,
  },
  ping: {
    nestedKey: 'message',
    nested: PingEventData,
    flat: PingEventData,
    stream: () => 'webhook-ping',
    businessTime: () => undefined,
  },
};
