import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { contentEventId, pingEventId, quarantineEventId } from '../../src/events/canonical-json.js';
import { isEventType, parseEvent } from '../../src/events/parse-event.js';
import { MAX_ITEMS_PER_ARRAY, MAX_KEYS_PER_OBJECT, routeDelivery, type QuarantineRecordData, type RoutedDelivery } from '../../src/events/route-delivery.js';
import { allExamples, bodyOf, flatExamples, nestedExamples } from '../fixtures/reference-deliveries.js';

const route = (delivery: unknown): RoutedDelivery => {
  const routed = routeDelivery(bodyOf(delivery));
  if (E.isLeft(routed)) throw new Error(`rejected: ${routed.left.reason}`);
  return routed.right;
};

const routeText = (text: string) => routeDelivery(Buffer.from(text));

describe('routing a delivery', () => {
  it.each(allExamples.map((d) => [`${d.event} (${typeof d.timestamp === 'number' ? 'flat' : 'nested'})`, d] as const))(
    'accepts the example of %s as an event in its entity stream',
    (_name, delivery) => {
      const routed = route(delivery);
      expect(routed.outcome).toBe('event');
      expect(routed.record.type).toBe(delivery.event);
      expect(routed.record.data).toEqual(delivery.data);
    },
  );

  it('routes each event to the stream of its entity', () => {
    const streams = nestedExamples.map((d) => [d.event, route(d).record.stream]);
    expect(streams).toEqual([
      ['contact.created', 'contact-42'],
      ['contact.updated', 'contact-42'],
      ['message.received', 'conversation-42'],
      ['message.sent', 'conversation-42'],
      ['booking.created', 'booking-101'],
      ['booking.cancelled', 'booking-101'],
      ['ticket.created', 'ticket-55'],
      ['contact.deleted', 'contact-42'],
      ['ping', 'webhook-ping'],
    ]);
    expect(route(flatExamples[2]).record.stream).toBe('conversation-77');
  });

  it('gives a provider retry (new delivery_id, same content) the same event id', () => {
    const [first] = nestedExamples;
    const retry = { ...first, delivery_id: 'f2c1d9a4-9999-4d6a-8d0a-0000000000ff', timestamp: '2026-03-04T12:02:00.000000Z' };
    expect(route(retry).record.id).toBe(route(first).record.id);
  });

  it('ignores key order and spacing when deriving the event id', () => {
    const reordered = '{"data":{"contact":{"name":"Sarah Johnson","id":42}},"timestamp":"2026-03-04T12:00:00Z","delivery_id":"x","event":"contact.updated"}';
    const spaced = '{ "event": "contact.updated", "delivery_id": "y", "timestamp": "2026-03-04T12:00:00Z", "data": { "contact": { "id": 42, "name": "Sarah Johnson" } } }';
    const ids = [reordered, spaced].map((text) => E.toUnion(routeText(text)).record.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[0]).toBe(contentEventId('contact.updated', { contact: { id: 42, name: 'Sarah Johnson' } }));
  });

  it('gives different content a different event id', () => {
    const [created, updated] = nestedExamples;
    expect(route(created).record.id).not.toBe(route(updated).record.id);
  });

  it('keys a ping by its delivery id, so each test delivery is kept', () => {
    const ping = nestedExamples.find((d) => d.event === 'ping');
    expect(route(ping).record.id).toBe(ping?.delivery_id);
  });

  it('keeps unknown event names in the unrecognized stream, data intact', () => {
    const routed = route({ event: 'invoice.paid', delivery_id: 'd1', timestamp: '2026-03-04T12:00:00Z', data: { amount: 5 } });
    expect(routed).toMatchObject({ outcome: 'unrecognized', record: { stream: 'webhook-unrecognized', type: 'invoice.paid', data: { amount: 5 } } });
  });

  it.each(['Contact.Created', 'invoice paid', 'x'.repeat(101), '1.created', 'event\nname', 'ünïcode'])(
    'quarantines an event name not of the provider\'s shape (%j) instead of making it a stored event type',
    (event) => {
      const routed = route({ event, delivery_id: 'd1', timestamp: '2026-03-04T12:00:00Z', data: { amount: 5 } });
      expect(routed).toMatchObject({ outcome: 'quarantined', record: { stream: 'webhook-quarantine' }, issues: [{ path: '$.event' }] });
    },
  );

  it('quarantines a known event whose data is invalid, naming the path and the problem', () => {
    const routed = route({ event: 'contact.created', delivery_id: 'd2', timestamp: '2026-03-04T12:00:00Z', data: { contact: { name: 'No id' } } });
    expect(routed.outcome).toBe('quarantined');
    if (routed.outcome !== 'quarantined') return;
    expect(routed.reason).toMatch(/^data\.contact\.id: /);
    expect(routed.record.stream).toBe('webhook-quarantine');
    expect(routed.record.data).toMatchObject({ event: 'contact.created', delivery_id: 'd2', body_text: expect.stringContaining('No id') });
  });

  it.each([
    ['a bad booking status', { booking: { id: 1, status: 'lost' } }, /data\.booking\.status/],
    ['a timestamp in the wrong format', { booking: { id: 1, created_at: '04/03/2026' } }, /data\.booking\.created_at/],
    ['a wrong type', { booking: { id: 1, title: 7 } }, /data\.booking\.title/],
  ])('quarantines %s', (_name, data, path) => {
    const routed = route({ event: 'booking.created', delivery_id: 'd', timestamp: '2026-03-04T12:00:00Z', data });
    expect(routed.outcome === 'quarantined' && routed.reason).toMatch(path);
  });

  it.each([
    ['contact.created', 'contact'],
    ['message.received', 'message'],
    ['booking.cancelled', 'booking'],
    ['ticket.created', 'ticket'],
  ])('points %s with empty data at the nested key data.%s, not at the flat format\'s id', (event, key) => {
    const routed = route({ event, delivery_id: 'd', timestamp: '2026-03-04T12:00:00Z', data: {} });
    expect(routed.outcome === 'quarantined' && routed.reason).toBe(
      `data.${key}: required: the ${key} object (nested format), or data.id with the ${key}'s fields (flat format)`,
    );
  });

  it('quarantines an envelope with a missing delivery id or a bad timestamp', () => {
    expect(route({ event: 'ping', timestamp: '2026-03-04T12:00:00Z', data: {} }).outcome).toBe('quarantined');
    const badTime = route({ event: 'ping', delivery_id: 'd', timestamp: 'yesterday', data: {} });
    expect(badTime.outcome === 'quarantined' && badTime.reason).toMatch(/^\$\.timestamp: /);
  });

  it('quarantines prototype keys anywhere instead of processing them', () => {
    const text = '{"event":"contact.updated","delivery_id":"d","timestamp":"2026-03-04T12:00:00Z","data":{"contact":{"id":1,"__proto__":{"admin":true}}}}';
    const routed = E.toUnion(routeText(text));
    expect(routed.outcome).toBe('quarantined');
    expect(routed.outcome === 'quarantined' && routed.reason).toBe('$.data.contact.__proto__: forbidden key');
    expect(({} as Record<string, unknown>)['admin']).toBeUndefined();
  });

  it.each([
    ['keys in an object', { contact: { id: 1, ...Object.fromEntries(Array.from({ length: MAX_KEYS_PER_OBJECT + 1 }, (_, i) => [`k${i}`, i])) } }, '$.data.contact', `more than ${MAX_KEYS_PER_OBJECT} keys`],
    ['items in an array', { contact: { id: 1, tags: Array.from({ length: MAX_ITEMS_PER_ARRAY + 1 }, () => 't') } }, '$.data.contact.tags', `more than ${MAX_ITEMS_PER_ARRAY} items`],
  ])('quarantines a body with too many %s, before any schema walks it', (_what, data, path, message) => {
    const routed = route({ event: 'contact.created', delivery_id: 'wide', timestamp: '2026-03-04T12:00:00Z', data });
    expect(routed).toMatchObject({ outcome: 'quarantined', issues: [{ path, message }] });
  });

  it(`takes ${MAX_KEYS_PER_OBJECT} keys and ${MAX_ITEMS_PER_ARRAY} items`, () => {
    const extras = Object.fromEntries(Array.from({ length: MAX_KEYS_PER_OBJECT - 2 }, (_, i) => [`k${i}`, i]));
    const data = { contact: { id: 1, tags: Array.from({ length: MAX_ITEMS_PER_ARRAY }, () => 't'), ...extras } };
    expect(route({ event: 'contact.created', delivery_id: 'wide', timestamp: '2026-03-04T12:00:00Z', data }).outcome).toBe('event');
  });

  it('quarantines deeply nested bodies', () => {
    const deep = `{"event":"ping","delivery_id":"d","timestamp":1,"data":{"message":"x","n":${'['.repeat(5000)}${']'.repeat(5000)}}}`;
    const routed = E.toUnion(routeText(deep));
    expect(routed.outcome === 'quarantined' && routed.reason).toMatch(/nested deeper than/);
  });

  it.each([
    ['not JSON', 'hello', /^body is not JSON/],
    ['truncated JSON', '{"event":"ping",', /^body is not JSON/],
    ['a JSON array', '[1,2]', /not a webhook envelope/],
    ['an object without an event name', '{"data":{}}', /not a webhook envelope/],
  ])('rejects %s, keeping the body in quarantine', (_name, text, reason) => {
    const routed = routeText(text);
    expect(E.isLeft(routed)).toBe(true);
    if (E.isRight(routed)) return;
    expect(routed.left.reason).toMatch(reason);
    expect(routed.left.record).toMatchObject({ stream: 'webhook-quarantine', data: { body_text: text } });
  });

  it('never repeats body content in a rejection reason', () => {
    const routed = routeText('{"email": "secret@example.com", oops}');
    expect(E.isLeft(routed) && routed.left.reason).not.toContain('secret@example.com');
  });

  it.each([
    ['NUL bytes', Buffer.alloc(10_000)],
    ['control characters inside JSON', Buffer.from(`{"event":"contact.created","delivery_id":"d","timestamp":1,"data":{"contact":{"name":"${'\u0001'.repeat(10_000)}"}}}`)],
  ])('keeps a UTF-8 body that JSON would escape sixfold (%s) as base64, a third larger, byte for byte', (_what, body) => {
    const routed = routeDelivery(body);
    const data = (E.isLeft(routed) ? routed.left.record.data : routed.right.record.data) as QuarantineRecordData;
    expect(data.body_text).toBeUndefined();
    expect(Buffer.from(data.body_base64 ?? '', 'base64').equals(body)).toBe(true);
    expect(JSON.stringify(data).length).toBeLessThan(1.4 * body.byteLength);
  });

  it('keeps an ordinary body as text, quotes and all', () => {
    const body = Buffer.from(JSON.stringify({ event: 'contact.created', delivery_id: 'd', timestamp: 1, data: { contact: { name: '"quoted"\n' } } }));
    const routed = routeDelivery(body);
    expect(E.isRight(routed) && routed.right.record.data).toMatchObject({ body_text: body.toString('utf8') });
  });

  it('keeps a body that is not UTF-8 as base64', () => {
    const routed = routeDelivery(Buffer.from([0xff, 0xfe, 0x7b]));
    expect(E.isLeft(routed) && routed.left.record.data).toMatchObject({ body_base64: '//57' });
  });
});

describe('normalizing stored data (the upcaster)', () => {
  const normalize = (delivery: (typeof allExamples)[number]) => {
    if (!isEventType(delivery.event)) throw new Error(`unknown event ${delivery.event}`);
    const parsed = parseEvent(delivery.event, delivery.data, () => delivery.timestamp);
    if (E.isLeft(parsed)) throw new Error(parsed.left.reason);
    return parsed.right;
  };

  it('reads the nested format as is, with business time from the payload', () => {
    const { event, format } = normalize(nestedExamples[1]!);
    expect(format).toBe('nested');
    expect(event).toEqual({
      type: 'contact.updated',
      occurred_at: '2026-03-04T12:05:00.000000Z',
      data: { contact: { id: 42, name: 'Sarah M. Johnson', tags: ['vip'], updated_at: '2026-03-04T12:05:00.000000Z' } },
    });
  });

  it('reads a flat contact into the canonical contact, is_blacklist as blacklisted, extras kept', () => {
    const { event, format } = normalize(flatExamples[1]!);
    expect(format).toBe('flat');
    expect(event.type).toBe('contact.updated');
    expect(event.data).toEqual({
      contact: expect.objectContaining({ id: 77, blacklisted: true, company: 'Haddad Trading LLC', country_id: 784 }),
    });
    expect(event.occurred_at).toBe('2026-03-04T12:05:00.000000Z');
    expect('is_blacklist' in (event.data as { contact: object }).contact).toBe(false);
  });

  it('reads a flat message into the canonical message and its contact', () => {
    const { event } = normalize(flatExamples[2]!);
    expect(event.data).toEqual({
      message: expect.objectContaining({
        id: 901,
        direction: 'inbound',
        channel: 'whatsapp',
        content: 'Is the shop open on Friday?',
        status: 'received',
        sent_at: '2026-03-04T13:00:00.000000Z',
        message_type: 'text',
        message_by: 'contact',
      }),
      contact: { id: 77 },
    });
  });

  it('gives a booking the contact it belongs to', () => {
    const { event } = normalize(nestedExamples[4]!);
    expect((event.data as { booking: { contact_id: unknown } }).booking.contact_id).toBe(42);
  });

  it('falls back to the envelope timestamp when the payload has no business time', () => {
    const { event } = normalize({ event: 'contact.updated', delivery_id: 'd', timestamp: 1772625600, data: { contact: { id: 1, name: 'A' } } });
    expect(event.occurred_at).toBe(1772625600);
  });
});

describe('event ids', () => {
  it('stay what they have always been for the same content (deduplication across upgrades depends on it)', () => {
    expect(contentEventId('contact.created', { contact: { name: 'Zoë Ångström', id: 42 } })).toBe('3af1d84a-216e-55a0-b027-946f0ebf745c');
    expect(contentEventId('booking.created', { booking: { id: 101, tags: ['a', null, { z: 1, a: [2.5, true] }] } })).toBe('1d7902a0-7706-58df-aa32-6fa46341ef66');
    expect(pingEventId('delivery-7')).toBe('411bbde4-6064-5f90-8466-46fc7370cd95');
    expect(quarantineEventId('contact.created\n{"contact":{"id":"Zoë"}}')).toBe('324c9e68-2517-5f7e-bfaa-e2b6e0685dc7');
  });
});

describe('strict ids at intake', () => {
  const contactWithId = (id: unknown, extra: Record<string, unknown> = {}) => ({
    event: 'contact.created',
    delivery_id: 'd',
    timestamp: '2026-03-04T12:00:00.000000Z',
    data: { contact: { id, name: 'Ann', ...extra } },
  });
  const bookingWithContact = (contactId: unknown) => ({
    event: 'booking.created',
    delivery_id: 'd',
    timestamp: 1772625600,
    data: { id: 101, contact_id: contactId, status: 'confirmed' },
  });

  it.each([[42], ['42'], [0], ['0']])('accepts the id %j, and 42 and "42" are the same entity', (id) => {
    const routed = route(contactWithId(id));
    expect(routed.outcome).toBe('event');
    expect(routed.record.stream).toBe(`contact-${String(id)}`);
  });

  it.each([['abc'], ['42a'], ['042'], ['4.2'], ['1e3']])('quarantines the id %j, naming its path', (id) => {
    const routed = route(contactWithId(id));
    expect(routed.outcome).toBe('quarantined');
    expect(routed.outcome === 'quarantined' && routed.issues).toEqual([
      { path: 'data.contact.id', message: 'expected a non-negative integer, or a string of its decimal digits' },
    ]);
  });

  it.each([['-1'], [-1], [4.2], [' 42'], [2 ** 53], [true]])('quarantines the id %j (which no schema ever took), naming its path', (id) => {
    const routed = route(contactWithId(id));
    expect(routed.outcome === 'quarantined' && routed.issues.map((i) => i.path)).toEqual(['data.contact.id']);
  });

  it('checks contact_id (and the other provider ids) in the flat format too', () => {
    const routed = route(bookingWithContact('c-42'));
    expect(routed.outcome === 'quarantined' && routed.issues.map((i) => i.path)).toEqual(['data.contact_id']);
    expect(route(bookingWithContact(42)).outcome).toBe('event');
    expect(route(bookingWithContact(null)).outcome).toBe('event');
  });

  it('leaves ids of events already stored to the lenient schema, so an existing log keeps projecting', () => {
    expect(E.isRight(parseEvent('contact.created', { contact: { id: 'legacy-7', name: 'Ann' } }, () => '2026-03-04T12:00:00.000000Z'))).toBe(true);
  });
});
