import { describe, expect, it } from 'vitest';
import { contactsProjection } from '../../projections/contacts.js';
import { type ProjectedEvent } from '../../projections/projection.js';
import { foldViews, keysTouched } from '../../projections/fold.js';
import { MAX_EXTRA_FIELDS, MAX_EXTRA_FIELDS_BYTES } from '../../projections/view-row.js';
import { flatExamples, nestedExamples } from '../fixtures/reference-deliveries.js';
import { projectedDelivery, projectedEvent } from '../support/projected-event.js';

const ENVELOPE = '2026-03-04T23:59:00.000000Z';
const created = (contact: object, envelope: string | number = ENVELOPE) => projectedEvent('contact.created', { contact }, envelope);
const updated = (contact: object, envelope: string | number = ENVELOPE) => projectedEvent('contact.updated', { contact }, envelope);
const deleted = (contact: object) => projectedEvent('contact.deleted', { contact }, ENVELOPE);
const messageFrom = (contact: object, sentAt: string) =>
  projectedEvent('message.received', { message: { id: `m-${sentAt}`, content: 'hi', sent_at: sentAt }, contact }, ENVELOPE);

/** The contact's row once the events have arrived in the order given. */
const contact = (key: string, ...events: ProjectedEvent[]) => foldViews(contactsProjection, events).get(key);

const SARAH_CREATED = {
  id: 42,
  name: 'Sarah Johnson',
  email: 'sarah@example.com',
  phone: '+14155551234',
  type: 'whatsapp',
  status: 'active',
  blacklisted: false,
  tags: [],
  created_at: '2026-03-04T12:00:00.000000Z',
};

describe('contacts: the reference examples', () => {
  const reference = nestedExamples.map(projectedDelivery);
  const expected = {
    ...SARAH_CREATED,
    name: 'Sarah M. Johnson',
    tags: ['vip'],
    updated_at: '2026-03-04T12:05:00.000000Z',
    deleted_at: '2026-03-04T14:00:00.000000Z',
    deleted: true,
    partial: false,
  };

  it('shows the updated name, not the stale copies carried by later messages, bookings, tickets and the deletion', () => {
    expect(contact('42', ...reference)).toStrictEqual(expected);
  });

  it('shows the same row when the deliveries arrive in reverse order, twice', () => {
    const reversed = [...reference].reverse();
    expect(contact('42', ...reversed, ...reversed)).toStrictEqual(expected);
  });
});

describe('contacts: creation and updates', () => {
  it('given only a contact.created, updated_at is its created_at and the contact is not partial', () => {
    expect(contact('42', created(SARAH_CREATED))).toMatchObject({ updated_at: SARAH_CREATED.created_at, partial: false, deleted: false, deleted_at: null });
  });

  it('keeps absent fields and sets explicit nulls', () => {
    const row = contact('42', created(SARAH_CREATED), updated({ id: 42, phone: null, updated_at: '2026-03-04T12:05:00.000000Z' }));
    expect(row).toMatchObject({ email: 'sarah@example.com', phone: null, name: 'Sarah Johnson' });
  });

  it('given an update that arrives before its creation, shows a partial contact that the creation later completes', () => {
    const update = updated({ id: 42, name: 'Sarah M. Johnson', updated_at: '2026-03-04T12:05:00.000000Z' });
    expect(contact('42', update)).toMatchObject({ id: 42, name: 'Sarah M. Johnson', email: null, created_at: null, partial: true });
    expect(contact('42', update, created(SARAH_CREATED))).toStrictEqual({
      ...SARAH_CREATED,
      name: 'Sarah M. Johnson',
      updated_at: '2026-03-04T12:05:00.000000Z',
      deleted_at: null,
      deleted: false,
      partial: false,
    });
  });

  it('lets a creation dated after an update win the fields both carry (business time decides, not arrival)', () => {
    const update = updated({ id: 42, name: 'Early Update', updated_at: '2026-03-04T11:00:00.000000Z' });
    const row = contact('42', created(SARAH_CREATED), update);
    expect(row).toMatchObject({ name: 'Sarah Johnson', updated_at: SARAH_CREATED.created_at });
  });

  it('decides between two changes of the same microsecond by event id, whatever the arrival order', () => {
    const a = updated({ id: 42, name: 'Ann', updated_at: '2026-03-04T12:05:00.000000Z' });
    const b = updated({ id: 42, name: 'Bea', updated_at: '2026-03-04T14:05:00+02:00' });
    const winner = a.id > b.id ? 'Ann' : 'Bea';
    expect(contact('42', a, b)?.name).toBe(winner);
    expect(contact('42', b, a)?.name).toBe(winner);
  });

  it('compares times at microsecond precision', () => {
    const earlier = updated({ id: 42, name: 'Earlier', updated_at: '2026-03-04T12:05:00.000001Z' });
    const later = updated({ id: 42, name: 'Later', updated_at: '2026-03-04T12:05:00.000002Z' });
    expect(contact('42', later, earlier)?.name).toBe('Later');
  });

  it('returns timestamps exactly as received, in either format', () => {
    const spelled = created({ ...SARAH_CREATED, created_at: '2026-03-04T14:00:00.000001+02:00' });
    expect(contact('42', spelled)?.created_at).toBe('2026-03-04T14:00:00.000001+02:00');
    const flat = projectedEvent('contact.updated', { id: 42, name: 'Sarah' }, 1772625900);
    expect(contact('42', flat)?.updated_at).toBe(1772625900);
  });

  it('treats 42 and "42" as the same contact', () => {
    expect(contact('42', created(SARAH_CREATED), updated({ id: '42', status: 'archived' }))).toMatchObject({ status: 'archived', partial: false });
  });
});

describe('contacts: copies embedded in other events', () => {
  it('given a contact seen only in a message, shows the fields the message carried, as partial', () => {
    const row = contact('42', messageFrom({ id: 42, name: 'Sarah Johnson', phone: '+14155551234' }, '2026-03-04T13:00:00.000000Z'));
    expect(row).toMatchObject({ id: 42, name: 'Sarah Johnson', phone: '+14155551234', email: null, created_at: null, partial: true });
  });

  it('never lets a stale embedded copy override a field set by contact.updated, even when it is dated later', () => {
    const update = updated({ id: 42, name: 'Sarah M. Johnson', updated_at: '2026-03-04T12:05:00.000000Z' });
    const stale = messageFrom({ id: 42, name: 'Sarah Johnson', phone: '+14155551234' }, '2026-03-04T13:00:00.000000Z');
    expect(contact('42', update, stale)).toMatchObject({ name: 'Sarah M. Johnson', phone: '+14155551234' });
    expect(contact('42', stale, update)).toMatchObject({ name: 'Sarah M. Johnson', phone: '+14155551234' });
  });

  it('among embedded copies, the later one wins', () => {
    const older = messageFrom({ id: 42, name: 'Old' }, '2026-03-04T13:00:00.000000Z');
    const newer = messageFrom({ id: 42, name: 'New' }, '2026-03-04T13:00:00.000001Z');
    expect(contact('42', newer, older)?.name).toBe('New');
  });

  it('ignores a flat booking (no embedded contact) and pings', () => {
    const booking = projectedEvent('booking.created', { id: 101, contact_id: 42, title: 'Consultation' }, ENVELOPE);
    const ping = projectedEvent('ping', { message: 'test' }, ENVELOPE);
    expect(keysTouched(contactsProjection, booking)).toEqual([]);
    expect(keysTouched(contactsProjection, ping)).toEqual([]);
  });
});

describe('contacts: deletion is a tombstone', () => {
  const deletion = deleted({ id: 42, name: 'Sarah Johnson', deleted_at: '2026-03-04T14:00:00.000000Z' });

  it('keeps the last known fields, adds deleted_at and deleted', () => {
    expect(contact('42', created(SARAH_CREATED), deletion)).toStrictEqual({
      ...SARAH_CREATED,
      updated_at: SARAH_CREATED.created_at,
      deleted_at: '2026-03-04T14:00:00.000000Z',
      deleted: true,
      partial: false,
    });
  });

  it('given a deletion first, shows a deleted partial contact', () => {
    expect(contact('42', deletion)).toMatchObject({ id: 42, name: 'Sarah Johnson', deleted: true, partial: true });
  });

  it('given an update dated after the deletion, records its fields but the contact stays deleted', () => {
    const late = updated({ id: 42, status: 'active again', updated_at: '2026-03-04T15:00:00.000000Z' });
    for (const order of [[deletion, late], [late, deletion]]) {
      expect(contact('42', created(SARAH_CREATED), ...order)).toMatchObject({
        status: 'active again',
        deleted: true,
        deleted_at: '2026-03-04T14:00:00.000000Z',
      });
    }
  });

  it('given two deletions, keeps the earlier one', () => {
    const later = deleted({ id: 42, deleted_at: '2026-03-04T16:00:00.000000Z' });
    expect(contact('42', later, deletion)?.deleted_at).toBe('2026-03-04T14:00:00.000000Z');
  });
});

describe('contacts: the flat format', () => {
  it('reads is_blacklist as blacklisted and keeps the extra fields (source, company, address, country_id)', () => {
    const [createdFlat, updatedFlat] = flatExamples.map(projectedDelivery);
    expect(contact('77', updatedFlat!, createdFlat!)).toStrictEqual({
      id: 77,
      name: 'Omar Haddad',
      email: 'omar@example.com',
      phone: '+971500000001',
      type: 'whatsapp',
      status: 'active',
      blacklisted: true,
      tags: null,
      created_at: '2026-03-04T12:00:00.000000Z',
      updated_at: '2026-03-04T12:05:00.000000Z',
      deleted_at: null,
      address: 'Dubai',
      company: 'Haddad Trading LLC',
      country_id: 784,
      source: 'api',
      deleted: false,
      partial: false,
    });
  });

  it('given is_blacklist 0, shows blacklisted false', () => {
    expect(contact('77', projectedDelivery(flatExamples[0]!))?.blacklisted).toBe(false);
  });

  it('keeps an extra field whose name is also an Object method as plain data', () => {
    expect(contact('42', updated({ id: 42, to_string: 'x', constructor_id: 1 }))).toMatchObject({ to_string: 'x', constructor_id: 1 });
  });

  it(`keeps only extra fields of the provider's shape (snake_case), at most ${MAX_EXTRA_FIELDS}, the first by name`, () => {
    const many = Object.fromEntries(Array.from({ length: MAX_EXTRA_FIELDS + 5 }, (_, i) => [`extra_${String(i).padStart(2, '0')}`, i]));
    const view = contact('42', updated({ id: 42, 'SECRETKEY\nINJECT': {}, toString: 'x', 'with space': 1, ...many }));
    const extras = Object.keys(view ?? {}).filter((key) => /^extra_\d+$/.test(key));
    expect(extras).toEqual(Object.keys(many).slice(0, MAX_EXTRA_FIELDS));
    expect(['SECRETKEY\nINJECT', 'toString', 'with space'].filter((key) => Object.hasOwn(view ?? {}, key))).toEqual([]);
    // Those of the provider's shape left out are named; the others are not repeated anywhere in the view.
    expect(view?.extra_fields_left_out).toEqual(Object.keys(many).slice(MAX_EXTRA_FIELDS));
  });

  it(`keeps extra fields up to ${MAX_EXTRA_FIELDS_BYTES} bytes of JSON, those that fit in name order, and names those left out`, () => {
    const heavy = 'x'.repeat(Math.floor(MAX_EXTRA_FIELDS_BYTES * 0.4));
    const first = updated({ id: 42, big_a: heavy, big_c: heavy, updated_at: '2026-03-04T12:00:00Z' });
    const second = updated({ id: 42, big_b: heavy, note_d: 'small', updated_at: '2026-03-04T12:05:00Z' });
    const expected = { big_a: heavy, big_b: heavy, note_d: 'small', extra_fields_left_out: ['big_c'] };
    // Whatever the order the events arrive in.
    expect(contact('42', first, second)).toMatchObject(expected);
    expect(contact('42', second, first)).toMatchObject(expected);
    expect(contact('42', first, second)).not.toHaveProperty('big_c');
  });

  it('names no field left out when every extra field fits, and never shows one a payload named extra_fields_left_out', () => {
    const view = contact('42', updated({ id: 42, source: 'api', extra_fields_left_out: ['forged'] }));
    expect(view).toMatchObject({ source: 'api' });
    expect(view).not.toHaveProperty('extra_fields_left_out');
  });
});

describe('contacts: the projection as data', () => {
  it('knows nothing before the first event', () => {
    expect(contactsProjection.view(contactsProjection.initial('42'))).toBeNull();
  });
});
