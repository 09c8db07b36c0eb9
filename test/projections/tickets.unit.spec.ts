import { describe, expect, it } from 'vitest';
import { foldViews } from '../../projections/fold.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import { ticketsProjection } from '../../projections/tickets.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { projectedDelivery, projectedEvent } from '../support/projected-event.js';

const ENVELOPE = '2026-03-04T23:59:00.000000Z';
const ticket = (...events: ProjectedEvent[]) => foldViews(ticketsProjection, events).get('55');
const opened = (data: object) => projectedEvent('ticket.created', data, ENVELOPE);

describe('tickets', () => {
  const reference = nestedExamples.filter((delivery) => delivery.event === 'ticket.created').map(projectedDelivery);

  it('given the reference ticket.created, shows the ticket with the embedded contact as its owner', () => {
    expect(ticket(...reference)).toStrictEqual({
      id: 55,
      contact_id: 42,
      subject: 'Issue with booking confirmation',
      status: 'open',
      priority: 'normal',
      created_at: '2026-03-04T15:00:00.000000Z',
    });
  });

  it('reads the flat format (the ticket itself) and keeps extra fields', () => {
    const flat = opened({ id: 55, contact_id: 7, subject: 'Refund', channel: 'whatsapp', created_at: '2026-03-04T15:00:00.000001Z' });
    expect(ticket(flat)).toMatchObject({ contact_id: 7, subject: 'Refund', channel: 'whatsapp', status: null, created_at: '2026-03-04T15:00:00.000001Z' });
  });

  it('given no created_at, dates the ticket by the envelope, as received', () => {
    expect(ticket(projectedEvent('ticket.created', { id: 55 }, 1772625900))?.created_at).toBe(1772625900);
  });

  it('given the same ticket sent twice with different content, the later one wins field by field, whatever the order', () => {
    const first = opened({ ticket: { id: 55, subject: 'First', priority: 'high', created_at: '2026-03-04T15:00:00.000000Z' } });
    const second = opened({ ticket: { id: 55, subject: 'Second', created_at: '2026-03-04T15:00:00.000001Z' } });
    const expected = { subject: 'Second', priority: 'high', created_at: '2026-03-04T15:00:00.000001Z' };
    expect(ticket(first, second)).toMatchObject(expected);
    expect(ticket(second, first)).toMatchObject(expected);
  });

  it('given two sends of the same microsecond, the greater event id wins', () => {
    const a = opened({ ticket: { id: 55, subject: 'A', created_at: '2026-03-04T15:00:00.000000Z' } });
    const b = opened({ ticket: { id: 55, subject: 'B', created_at: '2026-03-04T17:00:00+02:00' } });
    const subject = a.id > b.id ? 'A' : 'B';
    expect(ticket(a, b)?.subject).toBe(subject);
    expect(ticket(b, a)?.subject).toBe(subject);
  });

  it('does not let a send that names no contact erase the owner another send named', () => {
    const owned = opened({ ticket: { id: 55, created_at: '2026-03-04T15:00:00.000000Z' }, contact: { id: 42 } });
    const anonymous = opened({ ticket: { id: 55, subject: 'Later', created_at: '2026-03-04T16:00:00.000000Z' } });
    expect(ticket(anonymous, owned)).toMatchObject({ contact_id: 42, subject: 'Later' });
  });

  it('knows nothing before the first event', () => {
    expect(ticketsProjection.view(ticketsProjection.initial('55'))).toBeNull();
  });
});
