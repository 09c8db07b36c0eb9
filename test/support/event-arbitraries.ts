/**
 * fast-check arbitraries for histories of SkyLight deliveries: raw (`Delivery`: envelope fields and `data` in either
 * documented format, for intake and HTTP tests) and as projections receive them (`ProjectedEvent`: read by the real
 * parser, the id derived from the content as in production, so equal content → equal id). Ids and timestamps come
 * from small sets so that entities collide and times tie (also as different spellings of one instant); every field
 * may be absent, null, or a value; histories include provider retries (same data, new delivery id, other envelope
 * time, which becomes the business time of a payload that carries none).
 */
import fc from 'fast-check';
import type { ProjectedEvent } from '../../projections/projection.js';
import type { EventType } from '../../src/events/domain-event.js';
import type { EntityId } from '../../src/events/entity-id.js';
import type { Timestamp } from '../../src/events/timestamp.js';
import { projectedDelivery } from './projected-event.js';

/** A delivery as the provider sends it (the body's fields), before intake. */
export type Delivery = {
  readonly event: EventType;
  readonly delivery_id: string;
  readonly timestamp: Timestamp;
  readonly data: unknown;
};

/** Payload times: ties, a one-microsecond step, and two spellings of the same instants. */
export const PAYLOAD_TIMES = [
  '2026-03-04T12:00:00.000000Z',
  '2026-03-04T12:00:00Z',
  '2026-03-04T12:00:00.000001Z',
  '2026-03-04T14:00:00.000001+02:00',
  '2026-03-04T12:05:00.000000Z',
  '2026-03-04T13:00:00.000000Z',
  '2026-03-04T14:00:00.000000Z',
] as const;

/** Envelope times (the business time of a payload that has none): ISO, and the flat format's Unix seconds. */
export const ENVELOPE_TIMES: readonly Timestamp[] = [
  '2026-03-04T12:05:00.000000Z',
  '2026-03-04T13:30:00.000000Z',
  1772625900, // 12:05:00Z again
  1772629200,
];

const record = <T extends Record<string, fc.Arbitrary<unknown>>>(model: T) =>
  fc.record(model, { requiredKeys: ['id'], noNullPrototype: true });

/** A value, or an explicit null (an absent field comes from `record`). */
const nullable = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: null, freq: 4 });

const time = nullable(fc.constantFrom(...PAYLOAD_TIMES));
const envelopeTime = fc.constantFrom(...ENVELOPE_TIMES);
const oneOf = <T>(...values: T[]) => nullable(fc.constantFrom(...values));

/** 2 and "2" are the same contact (same entity key). */
export const contactId = fc.constantFrom<EntityId>(1, 2, '2', 3);
/** Integer-like and other ids: JavaScript orders integer-like object keys apart from the rest. */
export const messageId = fc.constantFrom<EntityId>(201, 202, '203', 204);
export const bookingId = fc.constantFrom<EntityId>(101, 102);
export const ticketId = fc.constantFrom<EntityId>(55, '55', 56);

const contactFields = {
  id: contactId,
  name: oneOf('Sarah Johnson', 'Sarah M. Johnson', 'Omar Haddad'),
  email: oneOf('sarah@example.com', 'omar@example.com'),
  phone: oneOf('+14155551234', '+971500000001'),
  type: oneOf('whatsapp', 'sms'),
  status: oneOf('active', 'archived'),
  tags: nullable(fc.subarray(['vip', 'lead'])),
  source: oneOf('api', 'import'),
  company: oneOf('Haddad Trading', 'Acme'),
};

const { name, phone, email, type } = contactFields;

/** A contact as other events embed it (possibly stale). */
export const embeddedContact = record({ id: contactId, name, phone, type, email });

const nestedContact = record({ ...contactFields, blacklisted: nullable(fc.boolean()), created_at: time, updated_at: time });
const flatContact = record({
  ...contactFields,
  is_blacklist: oneOf<boolean | 0 | 1>(true, false, 0, 1),
  address: oneOf('Dubai'),
  country_id: oneOf(784, 840),
  created_at: time,
  updated_at: time,
});
const nestedDeletion = record({ id: contactId, name, deleted_at: time });
const flatDeletion = record({ id: contactId, name, phone, email, type, deleted_at: time });

const delivery = (event: EventType, data: fc.Arbitrary<unknown>): fc.Arbitrary<Delivery> =>
  fc.record({ event: fc.constant(event), delivery_id: fc.uuid(), timestamp: envelopeTime, data }, { noNullPrototype: true });

export const contactDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  ...(['contact.created', 'contact.updated'] as const).flatMap((type) => [
    delivery(type, nestedContact.map((contact) => ({ contact }))),
    delivery(type, flatContact),
  ]),
  delivery('contact.deleted', nestedDeletion.map((contact) => ({ contact }))),
  delivery('contact.deleted', flatDeletion),
);

const nestedMessage = record({
  id: messageId,
  direction: oneOf('inbound', 'outbound'),
  channel: oneOf('whatsapp', 'sms'),
  content: oneOf('Hi, I need help with my order.', 'Hello! Our team will be with you shortly.'),
  status: oneOf('received', 'sent', 'read'),
  sent_at: time,
  campaign_id: oneOf(7),
});
const flatMessage = fc.record(
  {
    id: messageId,
    contact_id: contactId,
    value: oneOf('Is the shop open on Friday?', 'Yes'),
    message_type: oneOf('text'),
    message_by: oneOf('contact', 'agent'),
    status: oneOf('received', 'sent'),
    source: oneOf('whatsapp', 'sms'),
    header_image: oneOf('https://example.com/a.png'),
    created_at: time,
  },
  { requiredKeys: ['id', 'contact_id'], noNullPrototype: true },
);

export const messageDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  ...(['message.received', 'message.sent'] as const).flatMap((type) => [
    delivery(type, fc.record({ message: nestedMessage, contact: embeddedContact }, { noNullPrototype: true })),
    delivery(type, flatMessage),
  ]),
);

const booking = record({
  id: bookingId,
  contact_id: nullable(contactId),
  booking_type_id: oneOf(3),
  title: oneOf('Consultation – Sarah Johnson', 'Follow-up'),
  status: oneOf('pending', 'confirmed', 'cancelled', 'completed'),
  starts_at: time,
  ends_at: time,
  notes: oneOf('bring documents'),
  created_at: time,
  updated_at: time,
  cancelled_at: time,
  completed_at: time,
});

export const bookingDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  ...(['booking.created', 'booking.updated', 'booking.cancelled', 'booking.completed'] as const).flatMap((type) => [
    delivery(type, fc.record({ booking, contact: embeddedContact }, { requiredKeys: ['booking'], noNullPrototype: true })),
    delivery(type, booking),
  ]),
);

const ticket = record({
  id: ticketId,
  contact_id: nullable(contactId),
  subject: oneOf('Issue with booking confirmation', 'Refund'),
  status: oneOf('open', 'closed'),
  priority: oneOf('normal', 'high'),
  created_at: time,
  channel: oneOf('whatsapp'),
});

export const ticketDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  delivery(
    'ticket.created',
    fc.record({ ticket, contact: embeddedContact }, { requiredKeys: ['ticket'], noNullPrototype: true }),
  ),
  delivery('ticket.created', ticket),
);

/**
 * An erasure's contact.forgotten (the engine writes it, no webhook can), dated among the other events so that it
 * covers some writes and not others, naming bookings and tickets that may or may not be the contact's.
 */
export const forgetDelivery: fc.Arbitrary<Delivery> = delivery(
  'contact.forgotten',
  fc.record(
    {
      contact: fc.record({ id: contactId }, { noNullPrototype: true }),
      erasure_id: fc.constantFrom('erasure-a', 'erasure-b'),
      reason: fc.constantFrom('GDPR art. 17 request'),
      forgotten_at: fc.constantFrom(...PAYLOAD_TIMES),
      bookings: fc.subarray<EntityId>([101, 102]),
      tickets: fc.subarray<EntityId>([55, 56]),
    },
    { noNullPrototype: true },
  ),
);

export const pingDelivery: fc.Arbitrary<Delivery> = delivery('ping', fc.constant({ message: 'This is a test event.' }));

/** Any documented event. */
export const anyDelivery: fc.Arbitrary<Delivery> = fc.oneof(
  contactDelivery,
  messageDelivery,
  bookingDelivery,
  ticketDelivery,
  pingDelivery,
);

export const contactEvent = contactDelivery.map(projectedDelivery);
export const messageEvent = messageDelivery.map(projectedDelivery);
export const bookingEvent = bookingDelivery.map(projectedDelivery);
export const ticketEvent = ticketDelivery.map(projectedDelivery);
export const domainEvent = anyDelivery.map(projectedDelivery);

/** Deliveries of events that happened, with some provider retries among them: same data, new delivery id and time. */
export const deliveryHistory = (delivery: fc.Arbitrary<Delivery>, maxLength = 24): fc.Arbitrary<Delivery[]> =>
  fc
    .tuple(fc.array(delivery, { maxLength }), fc.array(fc.tuple(fc.nat(), envelopeTime, fc.uuid()), { maxLength: 4 }))
    .map(([first, retries]) => [
      ...first,
      ...retries.flatMap(([index, timestamp, delivery_id]) => {
        const original = first[index % Math.max(first.length, 1)];
        return original === undefined ? [] : [{ ...original, timestamp, delivery_id }];
      }),
    ]);

/** A history as projections see it (retries of content-identified events share their id). */
export const history = (delivery: fc.Arbitrary<Delivery>, maxLength?: number): fc.Arbitrary<ProjectedEvent[]> =>
  deliveryHistory(delivery, maxLength).map((deliveries) => deliveries.map(projectedDelivery));

/** The same history as delivered: any order, any event repeated (at-least-once delivery). */
export const redeliveries = <T>(events: readonly T[]): fc.Arbitrary<T[]> =>
  fc
    .array(fc.nat({ max: Math.max(events.length - 1, 0) }), { maxLength: events.length === 0 ? 0 : events.length })
    .map((repeated) => [...events, ...repeated.flatMap((index) => events.slice(index, index + 1))])
    .chain((copies) => fc.shuffledSubarray(copies, { minLength: copies.length }));

/** A history together with one of its redeliveries. */
export const historyAndRedelivery = (delivery: fc.Arbitrary<Delivery>, maxLength?: number) =>
  history(delivery, maxLength).chain((events) => fc.tuple(fc.constant(events), redeliveries(events)));
