import { describe, expect, it } from 'vitest';
import { conversationsProjection } from '../../projections/conversations.js';
import { foldViews } from '../../projections/fold.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import { flatExamples, nestedExamples } from '../fixtures/reference-deliveries.js';
import { projectedDelivery, projectedEvent } from '../support/projected-event.js';

const ENVELOPE = '2026-03-04T23:59:00.000000Z';
const SARAH = { id: 42, name: 'Sarah Johnson' };
const received = (message: object, envelope: string | number = ENVELOPE) =>
  projectedEvent('message.received', { message: { direction: 'inbound', channel: 'whatsapp', ...message }, contact: SARAH }, envelope);
const sent = (message: object) =>
  projectedEvent('message.sent', { message: { direction: 'outbound', channel: 'whatsapp', ...message }, contact: SARAH }, ENVELOPE);

/** The conversation with Sarah once the events have arrived in the order given. */
const conversation = (...events: ProjectedEvent[]) => foldViews(conversationsProjection, events).get('42');

describe('conversations: the reference examples', () => {
  const reference = nestedExamples.filter((delivery) => delivery.event.startsWith('message.')).map(projectedDelivery);
  const expected = {
    contact_id: 42,
    messages: [
      {
        id: 201,
        direction: 'inbound',
        channel: 'whatsapp',
        content: 'Hi, I need help with my order.',
        status: 'received',
        sent_at: '2026-03-04T13:00:00.000000Z',
      },
      {
        id: 202,
        direction: 'outbound',
        channel: 'whatsapp',
        content: 'Hello! Our team will be with you shortly.',
        status: 'sent',
        sent_at: '2026-03-04T13:02:00.000000Z',
      },
    ],
    inbound_count: 1,
    outbound_count: 1,
    last_message_at: '2026-03-04T13:02:00.000000Z',
    awaiting_reply: false,
  };

  it('given an inbound message and the reply, shows both in order and awaits nothing', () => {
    expect(conversation(...reference)).toStrictEqual(expected);
  });

  it('shows the same conversation when the reply arrives first, and twice', () => {
    const [question, reply] = reference;
    expect(conversation(reply!, question!, reply!)).toStrictEqual(expected);
  });
});

describe('conversations: messages', () => {
  it('awaits a reply when the latest message is inbound', () => {
    const question = received({ id: 1, content: 'Hello?', sent_at: '2026-03-04T13:05:00.000000Z' });
    const reply = sent({ id: 2, content: 'Hi!', sent_at: '2026-03-04T13:04:00.000000Z' });
    expect(conversation(question, reply)).toMatchObject({ awaiting_reply: true, last_message_at: '2026-03-04T13:05:00.000000Z' });
  });

  it('merges the same message id seen twice, the later write winning field by field', () => {
    const delivered = sent({ id: 7, content: 'Hi!', status: 'sent', sent_at: '2026-03-04T13:00:00.000000Z' });
    const read = sent({ id: 7, status: 'read', sent_at: '2026-03-04T13:00:00.000001Z' });
    const row = conversation(read, delivered);
    expect(row?.messages).toEqual([expect.objectContaining({ id: 7, content: 'Hi!', status: 'read', sent_at: '2026-03-04T13:00:00.000001Z' })]);
    expect(row).toMatchObject({ outbound_count: 1, inbound_count: 0 });
  });

  it('orders by sent_at at microsecond precision across spellings, then by message id', () => {
    const b = received({ id: 'b', sent_at: '2026-03-04T12:00:00.000001Z' });
    const a = received({ id: 'a', sent_at: '2026-03-04T14:00:00.000001+02:00' });
    const first = received({ id: 'z', sent_at: '2026-03-04T12:00:00Z' });
    expect(conversation(b, a, first)?.messages.map((message) => message.id)).toEqual(['z', 'a', 'b']);
  });

  it('given no sent_at, dates the message by the envelope and takes the direction from the event name', () => {
    const bare = projectedEvent('message.sent', { message: { id: 9, content: 'ok' }, contact: SARAH }, 1772625900);
    expect(conversation(bare)?.messages[0]).toMatchObject({ direction: 'outbound', sent_at: 1772625900 });
  });

  it('reads the documented flat message.received (value, source, created_at) and keeps its extra fields', () => {
    const flat = projectedDelivery(flatExamples.find((delivery) => delivery.event === 'message.received')!);
    expect(foldViews(conversationsProjection, [flat]).get('77')).toStrictEqual({
      contact_id: 77,
      messages: [
        {
          id: 901,
          direction: 'inbound',
          channel: 'whatsapp',
          content: 'Is the shop open on Friday?',
          status: 'received',
          sent_at: '2026-03-04T13:00:00.000000Z',
          campaign_id: null,
          header_audio: null,
          header_document: null,
          header_image: null,
          header_video: null,
          message_by: 'contact',
          message_type: 'text',
        },
      ],
      inbound_count: 1,
      outbound_count: 0,
      last_message_at: '2026-03-04T13:00:00.000000Z',
      awaiting_reply: true,
    });
  });

  it('outlives the contact: contact.deleted is not its concern', () => {
    const deletion = projectedEvent('contact.deleted', { contact: { id: 42, deleted_at: '2026-03-04T14:00:00.000000Z' } }, ENVELOPE);
    const question = received({ id: 1, sent_at: '2026-03-04T13:00:00.000000Z' });
    expect(conversationsProjection.handles).not.toContain('contact.deleted');
    expect(conversation(question, deletion)).toStrictEqual(conversation(question));
  });

  it('knows nothing before the first message', () => {
    expect(conversationsProjection.view(conversationsProjection.initial('42'))).toBeNull();
  });
});
