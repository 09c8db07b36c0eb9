import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contactAudit, type AuditedEvent } from '../../projections/contact-audit.js';
import type { EventType } from '../../src/events/domain-event.js';
import { flatExamples } from '../fixtures/reference-deliveries.js';
import { projectedDelivery, projectedEvent } from '../support/projected-event.js';

/** A contact.* delivery as the audit receives it: the canonical event, its id, and its delivery facts. */
const audited = (type: EventType, contact: Record<string, unknown>, receivedAt: string, deliveryId: string): AuditedEvent => ({
  ...projectedEvent(type, { contact: { id: 42, ...contact } }, '2026-03-04T00:00:00Z'),
  received_at: receivedAt,
  delivery_id: deliveryId,
});

const created = audited(
  'contact.created',
  { name: 'Sarah Johnson', email: 'sarah@example.com', tags: [], blacklisted: false, created_at: '2026-03-04T12:00:00.000000Z' },
  '2026-03-04T12:00:01Z',
  'd-created',
);
const renamed = audited('contact.updated', { name: 'Sarah M. Johnson', tags: ['vip'], updated_at: '2026-03-04T12:05:00.000000Z' }, '2026-03-04T12:05:01Z', 'd-renamed');
const retagged = audited('contact.updated', { tags: ['vip', 'gold'], updated_at: '2026-03-04T12:10:00.000000Z' }, '2026-03-04T12:10:01Z', 'd-retagged');
const deleted = audited('contact.deleted', { name: 'Sarah Johnson', deleted_at: '2026-03-04T14:00:00.000000Z' }, '2026-03-04T14:00:01Z', 'd-deleted');

const fieldsOf = (entry: { changes: readonly { field: string }[] }) => entry.changes.map((change) => change.field);

describe('contact audit trail', () => {
  it('lists every field a creation set, from null', () => {
    const [entry] = contactAudit('42', [created]);
    expect(entry).toEqual({
      event: 'contact.created',
      event_id: created.id,
      occurred_at: '2026-03-04T12:00:00.000000Z',
      received_at: '2026-03-04T12:00:01Z',
      delivery_id: 'd-created',
      changes: [
        { field: 'id', from: null, to: 42 },
        { field: 'name', from: null, to: 'Sarah Johnson' },
        { field: 'email', from: null, to: 'sarah@example.com' },
        { field: 'blacklisted', from: null, to: false },
        { field: 'tags', from: null, to: [] },
        { field: 'created_at', from: null, to: '2026-03-04T12:00:00.000000Z' },
        // The contacts view dates its latest change; a creation is the first.
        { field: 'updated_at', from: null, to: '2026-03-04T12:00:00.000000Z' },
      ],
    });
  });

  it('lists for an update only the fields whose value changed, with before and after', () => {
    const entries = contactAudit('42', [created, renamed]);
    expect(entries[1]?.changes).toEqual([
      { field: 'name', from: 'Sarah Johnson', to: 'Sarah M. Johnson' },
      { field: 'tags', from: [], to: ['vip'] },
      { field: 'updated_at', from: '2026-03-04T12:00:00.000000Z', to: '2026-03-04T12:05:00.000000Z' },
    ]);
  });

  it('compares values deeply: a field re-sent with an equal value is no change', () => {
    const resent = audited('contact.updated', { email: 'sarah@example.com', tags: ['vip'], updated_at: '2026-03-04T12:06:00Z' }, 'r', 'd');
    const entries = contactAudit('42', [created, renamed, resent]);
    expect(fieldsOf(entries[2]!)).toEqual(['updated_at']);
  });

  it("records a deletion as the tombstone; its stale copy of a field is no change (the contact's own update wins)", () => {
    const entries = contactAudit('42', [created, renamed, deleted]);
    expect(entries[2]).toMatchObject({
      event: 'contact.deleted',
      delivery_id: 'd-deleted',
      changes: [{ field: 'deleted_at', from: null, to: '2026-03-04T14:00:00.000000Z' }],
    });
  });

  it('lists what a deletion carried that was not known before', () => {
    const entries = contactAudit('42', [created, audited('contact.deleted', { phone: '+1555', deleted_at: '2026-03-04T14:00:00Z' }, 'r', 'd')]);
    expect(entries[1]?.changes).toEqual([
      { field: 'phone', from: null, to: '+1555' },
      { field: 'deleted_at', from: null, to: '2026-03-04T14:00:00Z' },
    ]);
  });

  it('puts a late delivery in its business-time place and diffs the entries after it against it', () => {
    const arrival = [created, retagged, deleted, renamed];
    const entries = contactAudit('42', arrival);
    expect(entries.map((entry) => entry.delivery_id)).toEqual(['d-created', 'd-renamed', 'd-retagged', 'd-deleted']);
    expect(entries[1]?.changes[1]).toEqual({ field: 'tags', from: [], to: ['vip'] });
    expect(entries[2]?.changes).toEqual([
      { field: 'tags', from: ['vip'], to: ['vip', 'gold'] },
      { field: 'updated_at', from: '2026-03-04T12:05:00.000000Z', to: '2026-03-04T12:10:00.000000Z' },
    ]);
    // Each entry still says when it was received: the late one after those it now precedes.
    expect(entries[1]?.received_at).toBe('2026-03-04T12:05:01Z');
  });

  it('gives the same trail for any arrival order', () => {
    const expected = contactAudit('42', [created, renamed, retagged, deleted]);
    fc.assert(
      fc.property(fc.shuffledSubarray([created, renamed, retagged, deleted], { minLength: 4, maxLength: 4 }), (arrival) => {
        expect(contactAudit('42', arrival)).toEqual(expected);
      }),
    );
  });

  it('orders events of the same instant by event id', () => {
    const at = '2026-03-04T12:05:00.000000Z';
    const a = audited('contact.updated', { name: 'A', updated_at: at }, 'r', 'a');
    const b = audited('contact.updated', { name: 'B', updated_at: at }, 'r', 'b');
    const [first, second] = [a, b].sort((x, y) => (x.id < y.id ? -1 : 1));
    const entries = contactAudit('42', [created, second!, first!]);
    expect(entries.map((entry) => entry.event_id)).toEqual([created.id, first!.id, second!.id]);
  });

  it('starts from a partial contact when an update is dated before the creation', () => {
    const early = audited('contact.updated', { status: 'lead', updated_at: '2026-03-04T11:00:00Z' }, 'r', 'early');
    const entries = contactAudit('42', [created, early]);
    expect(entries.map((entry) => entry.event)).toEqual(['contact.updated', 'contact.created']);
    expect(entries[0]?.changes).toContainEqual({ field: 'status', from: null, to: 'lead' });
    expect(entries[1]?.changes).not.toContainEqual(expect.objectContaining({ field: 'status' }));
  });

  it('reads the flat format into the same field names (is_blacklist → blacklisted), extras included', () => {
    const events = flatExamples
      .filter((delivery) => delivery.event.startsWith('contact.'))
      .map((delivery) => ({ ...projectedDelivery(delivery), received_at: null, delivery_id: delivery.delivery_id }));
    const [, updated] = contactAudit('77', events);
    expect(updated?.changes).toEqual([
      { field: 'blacklisted', from: false, to: true },
      { field: 'updated_at', from: '2026-03-04T12:00:00.000000Z', to: '2026-03-04T12:05:00.000000Z' },
      { field: 'address', from: null, to: 'Dubai' },
      { field: 'company', from: 'Haddad Trading', to: 'Haddad Trading LLC' },
    ]);
  });

  it('leaves out events of other streams (embedded copies are not part of the audit)', () => {
    const message = { ...projectedDelivery({ event: 'message.sent', delivery_id: 'm', timestamp: '2026-03-04T13:00:00Z', data: {
      message: { id: 1, content: 'hi', sent_at: '2026-03-04T13:00:00Z' },
      contact: { id: 42, name: 'Someone Else' },
    } }), received_at: null, delivery_id: 'm' };
    expect(contactAudit('42', [created, message]).map((entry) => entry.event)).toEqual(['contact.created']);
  });
});
