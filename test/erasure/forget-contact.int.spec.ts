import * as E from 'fp-ts/lib/Either.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { rebuildProjections } from '../../src/runner/rebuild.js';
import { verifyReadModel } from '../../src/runner/verify.js';
import type { Service } from '../../src/server.js';
import type { ErasureMarks } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { flatExamples, nestedExamples } from '../fixtures/reference-deliveries.js';
import { valuesFoundUnder } from '../support/data-dir-bytes.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { forgetOverHttp } from '../support/forget-over-http.js';

const TOKEN = 'forget-test-token-0123456789-abcdefgh';
const auth = { authorization: `Bearer ${TOKEN}` };

/** A delivery about Sarah (42) that fails validation: kept whole in quarantine. */
const invalidAboutSarah = {
  event: 'contact.updated',
  delivery_id: '0b1e6f0a-0901-4d6a-8d0a-000000000901',
  timestamp: '2026-03-04T12:10:00.000000Z',
  data: { contact: { id: 42, email: 'sarah.quarantined@example.com', blacklisted: 'yes' } },
};
/** Not JSON, but her phone number; and not UTF-8, with her email inside (kept as base64). */
const textAboutSarah = 'call Sarah back on +14155551234 please';
const bytesAboutSarah = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('mail sarah@example.com')]);

/** Everything the provider ever sent about Sarah that is personal data. */
const ERASED = [
  'Sarah Johnson',
  'Sarah M. Johnson',
  'sarah@example.com',
  'sarah.quarantined@example.com',
  '+14155551234',
  'Hi, I need help with my order.',
  'Hello! Our team will be with you shortly.',
  'Consultation – Sarah Johnson',
  'Issue with booking confirmation',
  bytesAboutSarah.toString('base64'),
];

describe('forgetting a contact with the embedded store', () => {
  const dir = makeTempDir('forget');
  let service: Service;
  const get = async (url: string) => service.app.inject({ method: 'GET', url, headers: auth });
  const post = (payload: unknown) =>
    service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload) });
  const forget = (id: string, payload: unknown) => forgetOverHttp(service.app, TOKEN, id, payload);
  let omarBefore: string;
  let answer: { status: string; erasure: Record<string, unknown>; read_model_purged: boolean };

  beforeAll(async () => {
    service = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
    for (const delivery of [...nestedExamples, ...flatExamples, invalidAboutSarah]) await post(delivery);
    expect((await post(textAboutSarah)).statusCode).toBe(400);
    expect((await post(bytesAboutSarah)).statusCode).toBe(400);
    const head = await service.store.headPosition();
    await service.runner.waitFor(head._tag === 'Right' ? head.right : 0, 10_000);
    omarBefore = (await get('/contacts/77')).body;
    // What a rebuild killed mid-fold leaves beside the read model: upcast events in spill files, in a folder named
    // after this host and a process that is not running (beyond the largest pid Linux gives).
    const killed = join(dir.path, `.skylight-fold-${hostname().replaceAll(/[^A-Za-z0-9.-]/g, '-')}_${2 ** 22 + 1}_1-killed`);
    mkdirSync(killed);
    writeFileSync(join(killed, 'bucket-0.jsonl'), '{"name":"Sarah Johnson"}\n');
    expect(valuesFoundUnder(dir.path, ERASED).length).toBeGreaterThan(0);
    const response = await forget('42', { reason: 'GDPR art. 17 request #12' });
    expect(response.statusCode).toBe(202);
    expect(response.job?.state).toBe('done');
    answer = response.job?.outcome as typeof answer;
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('answers with what was erased, per stream, and no personal data', () => {
    expect(answer).toMatchObject({ status: 'erased', read_model_purged: true, erasure: { contact_id: 42, reason: 'GDPR art. 17 request #12' } });
    expect(answer.erasure['streams']).toMatchObject({ 'contact-42': 3, 'conversation-42': 2, 'booking-101': 2, 'ticket-55': 1, 'webhook-quarantine': 3 });
    expect(valuesFoundUnder(dir.path, []).length).toBe(0);
    for (const value of ERASED) expect(JSON.stringify(answer)).not.toContain(value);
  });

  it('leaves none of the personal data in any byte of any file under DATA_DIR', () => {
    expect(valuesFoundUnder(dir.path, ERASED)).toEqual([]);
  });

  it('leaves none of it in any answer of the API', async () => {
    const answers = await Promise.all(
      [
        '/contacts/42',
        '/contacts?include_deleted=true',
        '/contacts?q=sarah&include_deleted=true',
        '/contacts/42/conversation',
        '/bookings/101',
        '/bookings?contact_id=42',
        '/tickets/55',
        '/contacts/42/audit',
        '/contacts/42/audit?format=csv',
        '/contacts/42?as_of=2026-03-04T13:00:00Z',
        '/contacts/42/history',
        '/bookings/101/history',
        '/quarantine',
        '/erasures',
        '/deliveries',
        '/deliveries?entity=contact-42',
        `/deliveries/${invalidAboutSarah.delivery_id}`,
        `/deliveries/${invalidAboutSarah.delivery_id}/event`,
      ].map(async (url) => ({ url, body: (await get(url)).body })),
    );
    for (const { url, body } of answers) for (const value of ERASED) expect(body, `${url} shows ${value}`).not.toContain(value);
    expect((await get('/contacts?q=sarah&include_deleted=true')).json().items).toEqual([]);
    expect((await get('/contacts?q=redacted&include_deleted=true')).json().items).toEqual([]);
  });

  it('keeps her deliveries in the delivery log, found as before: the log shows what arrived, never what it said', async () => {
    const logged = (await get('/deliveries?entity=contact-42')).json().items as { event: string }[];
    expect(logged.map((d) => d.event)).toEqual(expect.arrayContaining(['contact.created', 'contact.updated', 'contact.deleted']));
    expect((await get(`/deliveries/${invalidAboutSarah.delivery_id}`)).json()).toMatchObject({ outcome: 'quarantined', event: 'contact.updated' });
  });

  it('keeps the contact answering: forgotten, when and why, with its non-personal fields', async () => {
    const contact = (await get('/contacts/42')).json();
    expect(contact).toMatchObject({
      id: 42,
      name: '[redacted]',
      email: '[redacted]',
      phone: '[redacted]',
      type: 'whatsapp',
      status: 'active',
      blacklisted: false,
      tags: ['vip'],
      deleted: true,
      deleted_at: '2026-03-04T14:00:00.000000Z',
      forgotten: { reason: 'GDPR art. 17 request #12', erasure_id: answer.erasure['erasure_id'] },
    });
  });

  it('keeps the audit entries, with the erased values shown as redacted', async () => {
    const entries = (await get('/contacts/42/audit')).json().entries as { event: string; changes: { field: string; to: unknown }[] }[];
    expect(entries.map((entry) => entry.event)).toEqual(['contact.created', 'contact.updated', 'contact.deleted', 'contact.forgotten']);
    expect(entries[0]?.changes).toContainEqual({ field: 'name', from: null, to: '[redacted]' });
  });

  it('keeps ids, types, streams, revisions and positions of the rewritten events', async () => {
    const history = (await get('/contacts/42/history')).json().events as { id: string; type: string; revision: number; metadata: Record<string, unknown> }[];
    expect(history.map((event) => [event.type, event.revision])).toEqual([
      ['contact.created', 0],
      ['contact.updated', 1],
      ['contact.deleted', 2],
      ['contact.forgotten', 3],
    ]);
    expect(history[0]?.metadata['erased_by']).toBe(answer.erasure['erasure_id']);
  });

  it('keeps the booking state machine and the other contacts byte for byte', async () => {
    expect((await get('/bookings/101')).json()).toMatchObject({ status: 'cancelled', title: '[redacted]', starts_at: expect.any(String) });
    expect((await get('/contacts/77')).body).toBe(omarBefore);
  });

  it('is idempotent: a second forget changes nothing and answers the erasure done', async () => {
    const again = await forget('42', { reason: 'asked twice' });
    expect(again.job?.outcome).toMatchObject({ status: 'already_erased', erasure: { reason: 'GDPR art. 17 request #12' } });
    const items = (await get('/erasures')).json().items;
    expect(items).toHaveLength(1);
    // This node's runner applied the forget and purged its read-model file, and said so in the log.
    expect(items[0].applied_by).toEqual([expect.objectContaining({ read_model: join(dir.path, 'read-model.db'), purged: true })]);
  });

  it('stores nothing for a provider retry of an old delivery (same event id)', async () => {
    const [created] = nestedExamples;
    const retry = await post({ ...created, delivery_id: '0b1e6f0a-0001-4d6a-8d0a-0000000000ff' });
    expect(retry.json()).toMatchObject({ status: 'duplicate', stream: 'contact-42' });
  });

  it('stores a new delivery about the forgotten contact already redacted', async () => {
    const fresh = await post({
      event: 'message.received',
      delivery_id: '0b1e6f0a-0951-4d6a-8d0a-000000000951',
      timestamp: '2026-03-05T09:00:00.000000Z',
      data: { message: { id: 299, content: 'Sarah again: still there?', sent_at: '2026-03-05T09:00:00.000000Z' }, contact: { id: 42, name: 'Sarah Johnson' } },
    });
    expect(fresh.json()).toMatchObject({ status: 'appended', stream: 'conversation-42' });
    expect((await get('/contacts/42/conversation')).body).not.toContain('Sarah again');
    expect(valuesFoundUnder(dir.path, ['Sarah again: still there?'])).toEqual([]);
  });

  it('gives the same erased state after a rebuild, and verify finds no difference', async () => {
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    const db = openSqliteReadModel(join(dir.path, 'read-model.db'));
    try {
      expect((await verifyReadModel({ store, readModel: db, projections })).matches).toBe(true);
      const before = (await get('/contacts/42')).body;
      await rebuildProjections({ store, readModel: db, projections });
      await service.runner.reload();
      expect((await get('/contacts/42')).body).toBe(before);
    } finally {
      await store.close();
      await db.close();
    }
  });
});

describe('forgetting, bad input', () => {
  const dir = makeTempDir('forget-bad');
  let service: Service;
  beforeAll(async () => {
    service = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
    await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(nestedExamples[0]) });
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });
  const forget = (id: string, payload: string) =>
    service.app.inject({ method: 'POST', url: `/contacts/${id}/forget`, headers: { ...auth, 'content-type': 'application/json' }, payload });

  it('ends the job as not_found for an unknown contact and changes nothing', async () => {
    const head = await service.store.headPosition();
    const forgotten = await forgetOverHttp(service.app, TOKEN, '999', { reason: 'erasure request' });
    expect(forgotten.job).toMatchObject({ state: 'not_found', outcome: null });
    expect(await service.store.headPosition()).toEqual(head);
    expect(E.map((marks: ErasureMarks) => marks['999'])(await service.store.erasureMarks())).toEqual(E.right(undefined));
  });

  it('answers 400 naming the reason when it is missing or empty', async () => {
    for (const body of ['{}', JSON.stringify({ reason: ' ' }), 'not json']) {
      const response = await forget('42', body);
      expect(response.statusCode).toBe(400);
      expect(response.json().detail).toMatch(/reason/);
    }
  });

  it('needs the bearer token', async () => {
    const response = await service.app.inject({ method: 'POST', url: '/contacts/42/forget', payload: JSON.stringify({ reason: 'x' }) });
    expect(response.statusCode).toBe(401);
  });
});

describe('without API_TOKEN', () => {
  const dir = makeTempDir('forget-open');
  afterAll(() => dir.remove());

  it('has no forget route at all', async () => {
    const service = await serviceHarness(dir.path);
    try {
      const response = await service.app.inject({ method: 'POST', url: '/contacts/42/forget', payload: JSON.stringify({ reason: 'x' }) });
      expect(response.statusCode).toBe(404);
      expect(response.json().detail).toMatch(/no route/);
    } finally {
      await service.close();
    }
  });
});

describe('ERASE_ON_CONTACT_DELETED', () => {
  const deleted = nestedExamples.filter((delivery) => delivery.event.startsWith('contact.'));

  it('is off by default: a contact.deleted from SkyLight erases nothing', async () => {
    const dir = makeTempDir('erase-off');
    const service = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
    try {
      for (const delivery of deleted) await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(delivery) });
      await service.close();
      expect(valuesFoundUnder(dir.path, ['sarah@example.com']).length).toBeGreaterThan(0);
    } finally {
      dir.remove();
    }
  });

  it('when true, a contact.deleted from SkyLight erases the contact, recorded with why', async () => {
    const dir = makeTempDir('erase-on');
    const service = await serviceHarness(dir.path, { API_TOKEN: TOKEN, ERASE_ON_CONTACT_DELETED: 'true' });
    try {
      for (const delivery of deleted) await service.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(delivery) });
      // Closing waits for the erasures the deletions queued.
      await service.close();
      expect(valuesFoundUnder(dir.path, ['Sarah Johnson', 'Sarah M. Johnson', 'sarah@example.com', '+14155551234'])).toEqual([]);
      const reopened = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
      try {
        const items = (await reopened.app.inject({ method: 'GET', url: '/erasures', headers: auth })).json().items;
        expect(items).toMatchObject([{ contact_id: 42, reason: expect.stringContaining('contact.deleted') }]);
      } finally {
        await reopened.close();
      }
    } finally {
      dir.remove();
    }
  });
});
