import * as E from 'fp-ts/lib/Either.js';
import type { z } from 'zod';
import { BookingEventData, FlatBookingEventData } from './booking.js';
import { ContactEventData, FlatContactEventData } from './contact.js';
import { ContactForgottenData } from './contact-forgotten.js';
import { AttemptedDeliveryData, ATTEMPTS_STREAM, QuarantinedDeliveryData, UnrecognizedDeliveryData } from './delivery-log-events.js';
import { PROVIDER_EVENT_TYPES, type DataOf, type ProviderEventType, type DomainEventOf, type EventType, type PayloadFormat } from './domain-event.js';
import { entityKey } from './entity-id.js';
import { eventDataError, singleIssue, type EventDataError } from './event-data-error.js';
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
  /** The stream's name: this prefix, then the id found at this path of the (canonical) data, if a path is given. */
  readonly stream: readonly [prefix: string, ...idPath: string[]];
  /** Where in the data its business time is: the first of these paths that holds one. */
  readonly businessTime: readonly (readonly string[])[];
};

const contact = (time: string) => ({
  nestedKey: 'contact',
  nested: ContactEventData,
  flat: FlatContactEventData,
  stream: ['contact-', 'contact', 'id'],
  businessTime: [['contact', time]],
}) as const;

const message = (direction: 'inbound' | 'outbound') => ({
  nestedKey: 'message',
  nested: MessageEventData,
  flat: flatMessageEventData(direction),
  stream: ['conversation-', 'contact', 'id'],
  businessTime: [['message', 'sent_at']],
}) as const;

const booking = (...times: string[]) => ({
  nestedKey: 'booking',
  nested: BookingEventData,
  flat: FlatBookingEventData,
  stream: ['booking-', 'booking', 'id'],
  businessTime: times.map((time) => ['booking', time]),
}) as const;

const keptAside = <D>(schema: z.ZodType<D, unknown>, stream: string) =>
  ({ nestedKey: '', nested: schema, flat: schema, stream: [stream], businessTime: [] }) as const;

export const eventCatalogue: { readonly [T in EventType]: EventDefinition<T> } = {
  'contact.created': contact('created_at'),
  'contact.updated': contact('updated_at'),
  'contact.deleted': contact('deleted_at'),
  'message.received': message('inbound'),
  'message.sent': message('outbound'),
  'booking.created': booking('created_at'),
  'booking.updated': booking('updated_at'),
  'booking.cancelled': booking('cancelled_at', 'updated_at'),
  'booking.completed': booking('completed_at', 'updated_at'),
  'ticket.created': {
    nestedKey: 'ticket',
    nested: TicketEventData,
    flat: FlatTicketEventData,
    stream: ['ticket-', 'ticket', 'id'],
    businessTime: [['ticket', 'created_at']],
  },
  // Written by the engine in one format only.
  'contact.forgotten': {
    nestedKey: 'contact',
    nested: ContactForgottenData,
    flat: ContactForgottenData,
    stream: ['contact-', 'contact', 'id'],
    businessTime: [['forgotten_at']],
  },
  ping: { nestedKey: 'message', nested: PingEventData, flat: PingEventData, stream: ['webhook-ping'], businessTime: [] },
  // What the log keeps beside the provider's events, read by the delivery log alone; their time is when they arrived.
  'delivery.unrecognized': keptAside(UnrecognizedDeliveryData, 'webhook-unrecognized'),
  'delivery.quarantined': keptAside(QuarantinedDeliveryData, 'webhook-quarantine'),
  'delivery.attempted': keptAside(AttemptedDeliveryData, ATTEMPTS_STREAM),
};

export const isEventType = (name: string): name is EventType => Object.hasOwn(eventCatalogue, name);

const PROVIDER_EVENTS: ReadonlySet<string> = new Set(PROVIDER_EVENT_TYPES);

/** Only these are accepted from a webhook: nobody outside can send an engine event. */
export const isProviderEventType = (name: string): name is ProviderEventType => PROVIDER_EVENTS.has(name);

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type ParsedEvent<T extends EventType> = { readonly event: DomainEventOf<T>; readonly format: PayloadFormat; readonly stream: string };

/**
 * Reads the `data` of a known event in either format into the canonical domain event. Pure: used at intake to
 * validate, and on every read (as an upcaster) over the payload stored exactly as it was received. The envelope's
 * time is asked for only when the payload carries no business time of its own (on read, it costs a metadata parse).
 * Generic in the name, so that the definition read is that event's own and the event built is of that name.
 */
export const parseEvent = <T extends EventType>(
  type: T,
  data: unknown,
  envelopeTimestamp: () => Timestamp,
): E.Either<EventDataError, ParsedEvent<T>> => {
  const definition = eventCatalogue[type];
  // Nested formats wrap the entity under its name.
  const format: PayloadFormat = type === 'ping' || (isObject(data) && isObject(data[definition.nestedKey])) ? 'nested' : 'flat';
  const result = (format === 'nested' ? definition.nested : definition.flat).safeParse(data);
  if (!result.success) {
    // Neither the nested key nor the flat entity's id: the nested format is the documented one, so point there.
    const { nestedKey } = definition;
    if (format === 'flat' && isObject(data) && !('id' in data)) {
      return E.left(singleIssue(`data.${nestedKey}`, `required: the ${nestedKey} object (nested format), or data.id with the ${nestedKey}'s fields (flat format)`));
    }
    return E.left(eventDataError('data', result.error));
  }
  // The schemas have read the data: the paths below lead to an id and to timestamps, or to nothing.
  let occurredAt: unknown;
  for (const path of definition.businessTime) {
    occurredAt = result.data;
    for (const key of path) occurredAt = isObject(occurredAt) ? occurredAt[key] : undefined;
    if (occurredAt !== null && occurredAt !== undefined) break;
  }
  const [prefix, ...idPath] = definition.stream;
  let id: unknown = result.data;
  for (const key of idPath) id = isObject(id) ? id[key] : undefined;
  const stream = idPath.length === 0 ? prefix : typeof id === 'number' || typeof id === 'string' ? `${prefix}${entityKey(id)}` : undefined;
  if (stream === undefined) throw new Error(`${type}: its schema read data without the id of its stream`);
  const occurred_at = typeof occurredAt === 'string' || typeof occurredAt === 'number' ? occurredAt : envelopeTimestamp();
  return E.right({ event: { type, data: result.data, occurred_at }, format, stream });
};
