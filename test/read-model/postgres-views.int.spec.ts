import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { postDeliveries } from '../support/post-deliveries.js';
import { postgresAnswers, skippedWithoutPostgres } from '../support/postgres.js';
import { serviceOverPostgres } from '../support/service-over-postgres.js';
import { docSqlAfter, documentedColumns } from './postgres-doc-sql.js';

/** This month, as the docs' query means it in a UTC session: a delivery an hour into it, and one the day before. */
const now = new Date();
const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
const micros = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');
const THIS_MONTH = micros(monthStart + 3_600_000);
const LATER_THIS_MONTH = micros(monthStart + 7_200_000);
const LAST_MONTH = micros(monthStart - 86_400_000);
const CREATED = '2026-03-04T12:00:00.000000Z';

const delivery = (event: string, data: Record<string, unknown>) => ({ event, delivery_id: randomUUID(), timestamp: CREATED, data });
const who = (id: number, name: string) => ({ id, name });
const contact = (id: number | string, name: string, tags: string[], more: Record<string, unknown> = {}) =>
  delivery('contact.created', {
    contact: { id, name, email: `${name.split(' ')[0]?.toLowerCase()}@example.com`, phone: null, type: 'whatsapp', status: 'active', blacklisted: false, tags, created_at: CREATED, ...more },
  });
const booking = (id: number, owner: { id: number; name: string }, title: string) =>
  delivery('booking.created', {
    booking: { id, title, status: 'confirmed', starts_at: '2026-03-10T14:00:00.000000Z', ends_at: '2026-03-10T15:00:00.000000Z', notes: null, created_at: CREATED },
    contact: owner,
  });
const cancelled = (id: number, owner: { id: number; name: string }, at: string) =>
  delivery('booking.cancelled', { booking: { id, status: 'cancelled', cancelled_at: at }, contact: owner });
const ticket = (id: number, owner: { id: number; name: string }, status: string, priority: string) =>
  delivery('ticket.created', { ticket: { id, subject: `ticket ${id}`, status, priority, created_at: CREATED }, contact: owner });
const message = (id: number, owner: { id: number; name: string }, direction: 'inbound' | 'outbound', sentAt: string) =>
  delivery(direction === 'inbound' ? 'message.received' : 'message.sent', {
    message: { id, direction, channel: 'whatsapp', content: `message ${id}`, status: direction === 'inbound' ? 'received' : 'sent', sent_at: sentAt },
    contact: owner,
  });

const SARAH = who(42, 'Sarah Johnson');
const OMAR = who(43, 'Omar Haddad');
const LENA = who(44, 'Lena Park');
const ANA = who(45, 'Ana Lima');

const DELIVERIES = [
  contact(42, 'Sarah Johnson', ['vip']),
  contact(43, 'Omar Haddad', ['vip']),
  delivery('contact.deleted', { contact: { ...OMAR, deleted_at: '2026-03-05T12:00:00.000000Z' } }),
  contact(44, 'Lena Park', []),
  contact(45, 'Ana Lima', ['vip', 'wholesale']),
  // What the typed columns must carry exactly: an offset and microseconds, Unix seconds, characters text cannot hold.
  contact(46, 'Nul\u0000Name', ['a"b', 'c\\d', 'x,y', 'new\nline'], {
    created_at: '2026-03-04T14:00:00.123456+02:00',
    updated_at: 1772625600.5,
    company: 'Acme \u0000 Ltd',
  }),
  contact('99999999999999999999', 'Big Id', []),
  booking(101, SARAH, 'Consultation'),
  cancelled(101, SARAH, THIS_MONTH),
  booking(102, LENA, 'Follow-up'),
  cancelled(102, LENA, LAST_MONTH),
  booking(103, ANA, 'Fitting'),
  booking(104, ANA, 'Delivery'),
  cancelled(104, ANA, LATER_THIS_MONTH),
  ticket(55, SARAH, 'open', 'normal'),
  ticket(56, LENA, 'open', 'high'),
  ticket(57, ANA, 'open', 'normal'),
  ticket(58, ANA, 'closed', 'normal'),
  message(201, SARAH, 'inbound', '2026-03-04T13:00:00.000000Z'),
  message(202, SARAH, 'outbound', '2026-03-04T13:02:00.000000Z'),
  message(301, ANA, 'inbound', '2026-03-04T15:00:00.000000Z'),
  message(401, LENA, 'outbound', '2026-03-04T14:00:00.000000Z'),
];

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('the PostgreSQL views and the queries of docs/postgresql.md');

describe.skipIf(!available)('the PostgreSQL views people query', () => {
  const { schema, client, service } = serviceOverPostgres('pg-views', {
    seed: async (started, connected) => {
      const position = await postDeliveries(started.app, DELIVERIES);
      expect(await started.runner.waitFor(position, 20_000)).toBe(true);
      await connected.query("SET TIME ZONE 'UTC'");
    },
  });
  const query = async (sql: string) => (await client.query(sql)).rows;

  it.each(['contacts', 'bookings', 'tickets', 'messages'])('has every column of %s that the docs list, with its type, in order', async (view) => {
    const columns = await client.query<{ name: string; type: string }>(
      `SELECT attname AS name, replace(format_type(atttypid, atttypmod), 'timestamp with time zone', 'timestamptz') AS type
       FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 ORDER BY attnum`,
      [`${schema.name}.${view}`],
    );
    expect(columns.rows).toEqual(documentedColumns(`### \`skylight.${view}\``));
  });

  it('indexes the tables behind the views on the columns the docs name', async () => {
    const { rows } = await client.query<{ name: string; columns: string[] }>(
      `SELECT m.name, array_agg(a.attname::text ORDER BY a.attname) AS columns
       FROM ${schema.name}.read_models m
       JOIN pg_index i ON i.indrelid = format('%I.%I', $1::text, m.table_name)::regclass
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
       WHERE NOT i.indisunique GROUP BY m.name ORDER BY m.name`,
      [schema.name],
    );
    expect(rows).toEqual([
      { name: 'bookings', columns: ['contact_key', 'starts_at_us', 'status'] },
      { name: 'contacts', columns: ['blacklisted', 'deleted', 'id', 'name_sort', 'status', 'status_fold', 'type', 'type_fold', 'updated_at_us'] },
      { name: 'conversations', columns: ['contact_id'] },
      { name: 'deliveries', columns: ['delivery_id', 'entity', 'event', 'outcome'] },
      { name: 'tickets', columns: ['contact_key', 'created_at_us', 'priority', 'priority_fold', 'status', 'status_fold'] },
    ]);
  });

  it('lists the contacts tagged vip, deleted ones left out', async () => {
    expect(await query(docSqlAfter('### Contacts tagged vip', schema.name))).toEqual([
      { id: '42', name: 'Sarah Johnson', email: 'sarah@example.com' },
      { id: '45', name: 'Ana Lima', email: 'ana@example.com' },
    ]);
  });

  it("lists the bookings cancelled this month with their contact's name", async () => {
    expect(await query(docSqlAfter("### Bookings cancelled this month, with their contact's name", schema.name))).toEqual([
      { id: '101', title: 'Consultation', cancelled_at: new Date(THIS_MONTH), contact: 'Sarah Johnson' },
      { id: '104', title: 'Delivery', cancelled_at: new Date(LATER_THIS_MONTH), contact: 'Ana Lima' },
    ]);
  });

  it('counts the open tickets per priority', async () => {
    expect(await query(docSqlAfter('### Open tickets per priority', schema.name))).toEqual([
      { priority: 'high', open_tickets: '1' },
      { priority: 'normal', open_tickets: '2' },
    ]);
  });

  it('lists the contacts whose latest message came in', async () => {
    expect(await query(docSqlAfter('### Contacts waiting for a reply', schema.name))).toEqual([
      { contact_id: '45', name: 'Ana Lima', content: 'message 301', sent_at: new Date('2026-03-04T15:00:00Z') },
    ]);
  });

  it('gives one row per message, typed', async () => {
    expect(await query(`SELECT id, key, contact_id, direction, channel, content, status, sent_at::text, extra FROM ${schema.name}.messages WHERE contact_id = 42 ORDER BY sent_at`)).toEqual([
      { id: '201', key: '201', contact_id: '42', direction: 'inbound', channel: 'whatsapp', content: 'message 201', status: 'received', sent_at: '2026-03-04 13:00:00+00', extra: {} },
      { id: '202', key: '202', contact_id: '42', direction: 'outbound', channel: 'whatsapp', content: 'message 202', status: 'sent', sent_at: '2026-03-04 13:02:00+00', extra: {} },
    ]);
  });

  it('holds times to the microsecond whatever their spelling, and what text cannot hold as U+FFFD, while the API serves the original', async () => {
    expect(await query(`SELECT created_at::text, updated_at::text, name, tags, extra FROM ${schema.name}.contacts WHERE id = 46`)).toEqual([
      {
        created_at: '2026-03-04 12:00:00.123456+00',
        updated_at: '2026-03-04 12:00:00.5+00',
        name: 'Nul\uFFFDName',
        tags: ['a"b', 'c\\d', 'x,y', 'new\nline'],
        extra: { company: 'Acme \uFFFD Ltd' },
      },
    ]);
    const served = await service().app.inject({ method: 'GET', url: '/contacts/46' });
    expect(served.json()).toMatchObject({ name: 'Nul\u0000Name', company: 'Acme \u0000 Ltd', updated_at: 1772625600.5 });
  });

  it('reads an id beyond bigint as NULL, with the id as text in key', async () => {
    expect(await query(`SELECT id, key, name FROM ${schema.name}.contacts WHERE key = '99999999999999999999'`)).toEqual([
      { id: null, key: '99999999999999999999', name: 'Big Id' },
    ]);
  });

  it('shows every row the API serves, and the bookings with their state', async () => {
    const listed = await service().app.inject({ method: 'GET', url: '/contacts?include_deleted=true&limit=100' });
    const keys = listed.json<{ items: { id: number | string }[] }>().items.map((c) => String(c.id));
    expect((await query(`SELECT key FROM ${schema.name}.contacts`)).map((r) => r['key']).sort()).toEqual(keys.sort());
    expect(await query(`SELECT id, contact_id, status, starts_at::text, partial, anomalies FROM ${schema.name}.bookings WHERE id = 101`)).toEqual([
      { id: '101', contact_id: '42', status: 'cancelled', starts_at: '2026-03-10 14:00:00+00', partial: false, anomalies: [] },
    ]);
  });
});
