import { describe, expect, it } from 'vitest';
import { attemptKey, deliveriesProjection } from '../../projections/deliveries.js';
import { foldEvents, foldViews } from '../../projections/fold.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { loggedAttempt, loggedDelivery } from '../support/logged-deliveries.js';

const rows = (...events: ProjectedEvent[]) => foldViews(deliveriesProjection, events);
/** The further attempts on a delivery's row (an attempt's own row has none). */
const attemptsOn = (key: string, ...events: ProjectedEvent[]) => {
  const row = rows(...events).get(key);
  return row !== undefined && 'attempts' in row ? row.attempts : undefined;
};
const at = (position: number) => ({ position, receivedAt: `2026-03-04T12:00:${String(position).padStart(2, '0')}.000Z` });

const [created, updated, received] = nestedExamples;
const merged = { event: 'contact.merged', delivery_id: 'd-merged', timestamp: '2026-03-04T12:00:00.000000Z', data: { contact_id: 42, into: 43 } };
const invalid = { event: 'contact.updated', delivery_id: 'd-invalid', timestamp: '2026-03-04T12:00:00.000000Z', data: { contact: { id: 42, blacklisted: 'yes' } } };

describe('the delivery log (deliveries projection)', () => {
  it('given a stored contact.updated, shows one row: appended, about its contact, with its delivery id and arrival', () => {
    const event = loggedDelivery(updated, at(2));
    expect(rows(event).get(event.id)).toStrictEqual({
      event_id: event.id,
      event: 'contact.updated',
      outcome: 'appended',
      stream: 'contact-42',
      revision: 2,
      position: 2,
      entity: 'contact-42',
      delivery_id: updated?.delivery_id,
      received_at: '2026-03-04T12:00:02.000Z',
      reason: null,
      attempts: [],
    });
  });

  it('names a message by its contact, whose conversation holds it', () => {
    const event = loggedDelivery(received, at(3));
    expect(rows(event).get(event.id)).toMatchObject({ stream: 'conversation-42', entity: 'contact-42' });
  });

  it('given an unrecognized contact.merged, shows it kept aside, by the name it came with, about no entity', () => {
    const event = loggedDelivery(merged, at(4));
    expect(rows(event).get(event.id)).toMatchObject({ event: 'contact.merged', outcome: 'unrecognized', stream: 'webhook-unrecognized', entity: null, delivery_id: 'd-merged' });
  });

  it('reads a webhook named contact.forgotten as unrecognized: the stream decides, nobody outside can send a forget', () => {
    const forged = { ...merged, event: 'contact.forgotten', delivery_id: 'd-forged' };
    const event = loggedDelivery(forged, at(5));
    expect(event.event.type).toBe('delivery.unrecognized');
    expect(rows(event).get(event.id)).toMatchObject({ event: 'contact.forgotten', outcome: 'unrecognized' });
  });

  it('given a quarantined delivery, shows why, and the event it named', () => {
    const event = loggedDelivery(invalid, at(6));
    expect(rows(event).get(event.id)).toMatchObject({ event: 'contact.updated', outcome: 'quarantined', stream: 'webhook-quarantine', entity: null });
    expect(rows(event).get(event.id)).toHaveProperty('reason', expect.stringContaining('data.contact.blacklisted'));
  });

  it('given a body that is not an envelope, shows it quarantined without an event name or delivery id', () => {
    const event = loggedDelivery('not json', at(7));
    expect(rows(event).get(event.id)).toMatchObject({ event: null, outcome: 'quarantined', delivery_id: null });
  });

  it('given a provider retry answered duplicate, adds it as an attempt, and its delivery id leads back to the delivery', () => {
    const original = loggedDelivery(created, at(1));
    const retry = loggedAttempt(original, 'd-retry', at(9));
    const views = rows(original, retry);
    expect(views.get(original.id)).toMatchObject({ delivery_id: created?.delivery_id, attempts: [{ delivery_id: 'd-retry', received_at: '2026-03-04T12:00:09.000Z' }] });
    expect(views.get(attemptKey('d-retry'))).toStrictEqual({ delivery_id: 'd-retry', attempt_of: [original.id] });
  });

  it('keeps attempts in order of arrival, one per delivery id, whatever order they are folded in', () => {
    const original = loggedDelivery(created, at(1));
    const second = loggedAttempt(original, 'd-second', at(20));
    const third = loggedAttempt(original, 'd-third', at(30));
    const expected = [
      { delivery_id: 'd-second', received_at: '2026-03-04T12:00:20.000Z' },
      { delivery_id: 'd-third', received_at: '2026-03-04T12:00:30.000Z' },
    ];
    expect(attemptsOn(original.id, original, second, third, second)).toStrictEqual(expected);
    expect(attemptsOn(original.id, third, second, original)).toStrictEqual(expected);
  });

  it('shows nothing for a delivery whose attempt came first (a rebuild by buckets) until the delivery itself comes', () => {
    const original = loggedDelivery(created, at(1));
    expect(rows(loggedAttempt(original, 'd-retry', at(9))).get(original.id)).toBeUndefined();
  });

  it('does not count the first attempt again when the very same delivery comes twice (a file ingested twice)', () => {
    const original = loggedDelivery(created, at(1));
    expect(attemptsOn(original.id, original, loggedAttempt(original, created?.delivery_id ?? '', at(9)))).toEqual([]);
  });

  it('is its own view (one object, stored once), but for a delivery whose very same attempt came again', () => {
    const original = loggedDelivery(created, at(1));
    const retried = foldEvents(deliveriesProjection, [original, loggedAttempt(original, 'd-retry', at(9))]);
    for (const state of retried.values()) expect(deliveriesProjection.view(state)).toBe(state);
    const twice = foldEvents(deliveriesProjection, [original, loggedAttempt(original, created?.delivery_id ?? '', at(9))]).get(original.id);
    if (twice === undefined) throw new Error('the delivery must have a state');
    expect(deliveriesProjection.view(twice)).not.toBe(twice);
  });

  it('ignores what an erasure writes (contact.forgotten is no delivery) and holds no payload to erase', () => {
    const event = loggedDelivery(created, at(1));
    const row = JSON.stringify(rows(event).get(event.id));
    for (const value of ['Sarah', 'sarah@example.com', '+14155551234']) expect(row).not.toContain(value);
    expect(deliveriesProjection.handles).not.toContain('contact.forgotten');
  });
});
