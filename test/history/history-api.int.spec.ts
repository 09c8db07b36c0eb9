import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { bodyOf, nestedExamples, undocumentedBookingExamples, flatExamples, type Delivery } from '../fixtures/reference-deliveries.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { asCsvText, auditEntriesFromCsv } from './parse-csv.js';

const contactUpdate = (id: number, n: number, contact: Record<string, unknown>): Delivery => ({
  event: 'contact.updated',
  delivery_id: `0b1e6f0a-0300-4d6a-8d0a-${String(n).padStart(12, '0')}`,
  timestamp: String(contact['updated_at']),
  data: { contact: { id, ...contact } },
});

/** Contact 300 changes twice; the earlier change arrives last. */
const lateArrival: Delivery[] = [
  { ...nestedExamples[0]!, delivery_id: '0b1e6f0a-0300-4d6a-8d0a-000000000000', data: { contact: { id: 300, name: 'Ann', tags: [], created_at: '2026-03-04T12:00:00Z' } } },
  contactUpdate(300, 2, { name: 'Ann C', tags: ['b'], updated_at: '2026-03-04T12:10:00Z' }),
  contactUpdate(300, 1, { name: 'Ann B', tags: ['a'], updated_at: '2026-03-04T12:05:00Z' }),
];

/** A contact whose name a spreadsheet would run as a formula. */
const formulaName: Delivery = {
  ...nestedExamples[0]!,
  delivery_id: '0b1e6f0a-0400-4d6a-8d0a-000000000400',
  data: { contact: { id: 400, name: '=HYPERLINK("http://evil.example","click")', created_at: '2026-03-04T12:00:00Z' } },
};

/** A contact known only from a message: the read model has it (partial), its own stream does not exist. */
const onlyInAMessage: Delivery = {
  ...nestedExamples[2]!,
  delivery_id: '0b1e6f0a-0900-4d6a-8d0a-000000000900',
  data: { message: { id: 9001, content: 'hello', sent_at: '2026-03-04T13:00:00Z' }, contact: { id: 900, name: 'Walk-in' } },
};

describe('history API: audit, as-of, raw history', () => {
  const dir = makeTempDir('history');
  let service: Service;
  const get = (url: string) => service.app.inject({ method: 'GET', url });

  beforeAll(async () => {
    service = await serviceHarness(dir.path);
    let last = 0;
    for (const delivery of [...nestedExamples, ...undocumentedBookingExamples, ...flatExamples, ...lateArrival, onlyInAMessage, formulaName]) {
      const response = await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(delivery) });
      expect(response.statusCode).toBe(202);
      last = Math.max(last, response.json().position);
    }
    expect(await service.runner.waitFor(last, 5000)).toBe(true);
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  describe('GET /contacts/{id}/audit', () => {
    it('lists per event the fields it changed, in business-time order, and outlives the deletion', async () => {
      const response = await get('/contacts/42/audit');
      expect(response.statusCode).toBe(200);
      const audit = response.json();
      expect(audit.contact_id).toBe(42);
      expect(audit.entries.map((e: { event: string }) => e.event)).toEqual(['contact.created', 'contact.updated', 'contact.deleted']);
      expect(audit.entries[1]).toMatchObject({
        occurred_at: '2026-03-04T12:05:00.000000Z',
        delivery_id: '0b1e6f0a-0002-4d6a-8d0a-000000000002',
        received_at: expect.any(String),
        changes: [
          { field: 'name', from: 'Sarah Johnson', to: 'Sarah M. Johnson' },
          { field: 'tags', from: [], to: ['vip'] },
          { field: 'updated_at', from: '2026-03-04T12:00:00.000000Z', to: '2026-03-04T12:05:00.000000Z' },
        ],
      });
      expect(audit.entries[2].changes).toEqual([{ field: 'deleted_at', from: null, to: '2026-03-04T14:00:00.000000Z' }]);
      expect((await get('/contacts/42')).statusCode).toBe(410);
    });

    it('puts a late delivery in its business-time place', async () => {
      const { entries } = (await get('/contacts/300/audit')).json();
      expect(entries.map((e: { changes: { field: string; to: unknown }[] }) => e.changes.find((c) => c.field === 'name')?.to)).toEqual([
        'Ann',
        'Ann B',
        'Ann C',
      ]);
      expect(entries[2].changes).toContainEqual({ field: 'tags', from: ['a'], to: ['b'] });
      // Received last, listed second.
      expect(entries[1].received_at > entries[2].received_at).toBe(true);
    });

    it('bounds occurred_at with from and to (inclusive), keeping each before-value from the whole history', async () => {
      const { entries } = (await get('/contacts/42/audit?from=2026-03-04T12:05:00.000000Z&to=2026-03-04T13:00:00Z')).json();
      expect(entries).toHaveLength(1);
      expect(entries[0].changes[0]).toEqual({ field: 'name', from: 'Sarah Johnson', to: 'Sarah M. Johnson' });
      expect((await get('/contacts/42/audit?from=2026-03-04T14:00:00.000001Z')).json().entries).toEqual([]);
    });

    it('answers CSV (raw=true: exact values) that parses back to the same entries', async () => {
      const json = (await get('/contacts/77/audit')).json();
      const response = await get('/contacts/77/audit?format=csv&raw=true');
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/csv/);
      expect(response.body.split('\r\n')[0]).toBe('occurred_at,event,event_id,received_at,delivery_id,field,from,to');
      expect(auditEntriesFromCsv(response.body)).toEqual(asCsvText(json.entries));
    });

    it('escapes a cell a spreadsheet would run as a formula, and gives the exact value with raw=true', async () => {
      const nameCell = (csv: string) => csv.split('\r\n').find((row) => row.includes(',name,'))?.split(',name,')[1];
      expect(nameCell((await get('/contacts/400/audit?format=csv')).body)).toBe(`null,"'=HYPERLINK(""http://evil.example"",""click"")"`);
      expect(nameCell((await get('/contacts/400/audit?format=csv&raw=true')).body)).toBe(`null,"=HYPERLINK(""http://evil.example"",""click"")"`);
      expect((await get('/contacts/400/audit?format=csv&raw=yes')).statusCode).toBe(400);
    });

    it('answers 404 when the contact has no stream, 400 for a bad bound or format', async () => {
      expect((await get('/contacts/999/audit')).statusCode).toBe(404);
      expect((await get('/contacts/900/audit')).statusCode).toBe(404);
      expect((await get('/contacts/42/audit?from=yesterday')).json().detail).toContain('from');
      expect((await get('/contacts/42/audit?format=xml')).statusCode).toBe(400);
    });
  });

  describe('GET /contacts/{id}?as_of= and ?at_revision=', () => {
    const contactAt = (query: string) => get(`/contacts/42?${query}`);

    it('answers 404 before the creation', async () => {
      const response = await contactAt('as_of=2026-03-04T11:59:59.999999Z');
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/problem\+json/);
    });

    it('shows the state at each instant between updates (bounds inclusive, any offset)', async () => {
      expect((await contactAt('as_of=2026-03-04T12:00:00Z')).json()).toMatchObject({ name: 'Sarah Johnson', tags: [], deleted: false });
      expect((await contactAt('as_of=2026-03-04T12:04:59.999999Z')).json()).toMatchObject({ name: 'Sarah Johnson', updated_at: '2026-03-04T12:00:00.000000Z' });
      expect((await contactAt('as_of=2026-03-04T12:05:00Z')).json()).toMatchObject({ name: 'Sarah M. Johnson', tags: ['vip'] });
      const beforeDeletion = await contactAt(`as_of=${encodeURIComponent('2026-03-04T14:59:59+01:00')}`);
      expect(beforeDeletion.statusCode).toBe(200);
      expect(beforeDeletion.json().deleted_at).toBeNull();
    });

    it('answers 410 with the tombstone from the deletion on', async () => {
      const response = await contactAt('as_of=2026-03-04T14:00:00Z');
      expect(response.statusCode).toBe(410);
      expect(response.json()).toMatchObject({ id: 42, name: 'Sarah M. Johnson', deleted: true, deleted_at: '2026-03-04T14:00:00.000000Z' });
    });

    it('folds by revision in arrival order, by business time in business-time order', async () => {
      expect((await contactAt('at_revision=0')).json()).toMatchObject({ name: 'Sarah Johnson', deleted: false });
      expect((await contactAt('at_revision=1')).json()).toMatchObject({ name: 'Sarah M. Johnson' });
      expect((await contactAt('at_revision=2')).statusCode).toBe(410);
      const beyond = await contactAt('at_revision=99');
      expect(beyond.statusCode).toBe(404);
      expect(beyond.json()).toMatchObject({ title: 'No such revision', detail: 'contact 42 has no revision 99 (its last is 2)', last_revision: 2 });
      // Contact 300's 12:05 change arrived after its 12:10 one.
      expect((await get('/contacts/300?at_revision=1')).json().name).toBe('Ann C');
      expect((await get('/contacts/300?as_of=2026-03-04T12:07:00Z')).json().name).toBe('Ann B');
    });

    it('reads only the contact\'s own stream: a contact known from a message has no as-of state', async () => {
      expect((await get('/contacts/900')).json()).toMatchObject({ id: 900, partial: true });
      expect((await get('/contacts/900?as_of=2026-03-05T00:00:00Z')).statusCode).toBe(404);
    });

    it('answers 400 for both at once, or a bad value', async () => {
      const both = await contactAt('as_of=2026-03-04T12:00:00Z&at_revision=1');
      expect(both.statusCode).toBe(400);
      expect(both.json().detail).toContain('at_revision');
      expect((await contactAt('as_of=noon')).json().detail).toContain('as_of');
      expect((await contactAt('at_revision=-1')).statusCode).toBe(400);
    });
  });

  describe('GET /bookings/{id}?as_of=', () => {
    it('shows the booking confirmed, then cancelled; 404 before it was created', async () => {
      expect((await get('/bookings/101?as_of=2026-03-04T13:59:59Z')).statusCode).toBe(404);
      expect((await get('/bookings/101?as_of=2026-03-04T14:00:00Z')).json()).toMatchObject({ status: 'confirmed', cancelled_at: null });
      expect((await get('/bookings/101?as_of=2026-03-05T09:00:00Z')).json()).toMatchObject({ status: 'cancelled', cancelled_at: '2026-03-05T09:00:00.000000Z' });
      expect((await get('/bookings/101?at_revision=0')).json().status).toBe('confirmed');
      expect((await get('/bookings/101?at_revision=9')).json()).toMatchObject({ title: 'No such revision', last_revision: 1 });
      expect((await get('/bookings/102?as_of=2026-03-05T00:00:00Z')).json()).toMatchObject({ partial: true, status: null, starts_at: '2026-03-11T10:00:00.000000Z' });
      expect((await get('/bookings/999?as_of=2026-03-05T00:00:00Z')).statusCode).toBe(404);
    });
  });

  describe('GET /{contacts,bookings,tickets}/{id}/history', () => {
    it('returns the raw stored events of the stream with metadata, revision and position', async () => {
      const response = await get('/contacts/77/history');
      expect(response.statusCode).toBe(200);
      const history = response.json();
      expect(history.stream).toBe('contact-77');
      expect(history.next_from_revision).toBeNull();
      expect(history.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2]);
      const [created] = history.events;
      expect(created).toMatchObject({ type: 'contact.created', stream: 'contact-77', position: expect.any(Number), recorded_at: expect.any(String) });
      expect(created.data).toEqual(flatExamples[0]!.data);
      expect(created.metadata).toMatchObject({ delivery_id: flatExamples[0]!.delivery_id, envelope_timestamp: 1772625600, format: 'flat', channel: 'http' });
    });

    it('pages with limit and from_revision', async () => {
      const first = (await get('/contacts/42/history?limit=2')).json();
      expect(first.events.map((e: { type: string }) => e.type)).toEqual(['contact.created', 'contact.updated']);
      expect(first.next_from_revision).toBe(2);
      const rest = (await get(`/contacts/42/history?from_revision=${first.next_from_revision}`)).json();
      expect(rest.events.map((e: { type: string }) => e.type)).toEqual(['contact.deleted']);
      expect(rest.next_from_revision).toBeNull();
    });

    it('serves bookings and tickets; 404 for a stream that does not exist', async () => {
      expect((await get('/bookings/101/history')).json().events.map((e: { type: string }) => e.type)).toEqual(['booking.created', 'booking.cancelled']);
      expect((await get('/tickets/55/history')).json()).toMatchObject({ stream: 'ticket-55', events: [{ type: 'ticket.created', revision: 0 }] });
      expect((await get('/tickets/56/history')).statusCode).toBe(404);
      expect((await get('/bookings/101/history?limit=0')).statusCode).toBe(400);
    });
  });

  it('documents the new endpoints in OpenAPI', async () => {
    const doc = (await get('/docs/json')).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/contacts/{id}/audit', '/contacts/{id}/history', '/bookings/{id}/history', '/tickets/{id}/history', '/quarantine', '/quarantine/retry']),
    );
    expect(doc.paths['/contacts/{id}'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['as_of', 'at_revision', 'min_position']));
    expect(Object.keys(doc.paths['/contacts/{id}/audit'].get.responses['200'].content)).toEqual(['application/json', 'text/csv']);
  });
});
