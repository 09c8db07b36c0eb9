import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { eraseContact } from '../../src/erasure/erase-contact.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { catchUp } from '../../src/runner/catch-up.js';
import { verifyReadModel } from '../../src/runner/verify.js';
import type { Service } from '../../src/server.js';
import type { OpenedStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { valuesFoundUnder } from '../support/data-dir-bytes.js';
import { serviceHarness } from '../support/service-harness.js';
import { forgetOverHttp } from '../support/forget-over-http.js';
import { makeTempDir } from '../support/temp-dir.js';

const TOKEN = 'forget-traffic-token-0123456789-abcdefgh';
const auth = { authorization: `Bearer ${TOKEN}` };
const at = (minute: number) => `2026-05-01T10:${String(minute).padStart(2, '0')}:00.000000Z`;
let deliveries = 0;
const delivery = (event: string, minute: number, data: unknown) => ({ event, delivery_id: `traffic-${(deliveries += 1)}`, timestamp: at(minute), data });
const contact = (minute: number, fields: Record<string, unknown>) => ({ id: 7002, type: 'whatsapp', status: 'active', blacklisted: false, tags: [], ...fields });

/** Everything of Ada's that is personal data, sent before, during and after her forget. */
const ADA = {
  name: 'Ada Lovelace-Traffic',
  email: 'ada.traffic@example.com',
  renamed: 'Ada Byron-King-Traffic',
  message: 'the analytical engine is ready',
  bookingTitle: 'Private session with Ada',
  movedTitle: 'Moved private session with Ada',
  keptTitle: 'Quiet dinner plans for Ada',
  retriedTitle: 'Retried booking title of Ada',
  malformedBefore: 'Ada secret alias before',
  malformedAfter: 'Ada secret alias after',
  leaked: 'Ada leaked by an older version',
};

const before = [
  delivery('contact.created', 1, { contact: contact(1, { name: ADA.name, email: ADA.email, created_at: at(1) }) }),
  delivery('booking.created', 2, { booking: { id: 9002, contact_id: 7002, title: 'Lunch', status: 'confirmed', starts_at: at(30), ends_at: at(40), created_at: at(2) } }),
];

describe('a forget run by another process while the server takes deliveries about the contact', () => {
  const dir = makeTempDir('forget-traffic');
  let service: Service;
  const get = (url: string) => service.app.inject({ method: 'GET', url, headers: auth });
  const post = async (payload: unknown) => {
    const response = await service.app.inject({
      method: 'POST',
      url: '/webhooks/skylight',
      headers: { 'content-type': 'application/json' },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
    expect(response.statusCode, response.body).toBeLessThan(500);
    return response.json() as { status: string; position: number; stream?: string };
  };
  const settle = async () => {
    const head = await service.store.headPosition();
    expect(await service.runner.waitFor(E.isRight(head) ? head.right : 0, 10_000)).toBe(true);
  };
  /** The CLI's forget: its own connections to the files, its own catch-up of the read model. */
  const forgetFromCli = async (duringForget: () => Promise<void>) => {
    const opened = openSqliteEventStore(join(dir.path, 'events.db'));
    let told = false;
    // Deliveries arrive at the server the moment the forget is in the log, before the erasure is recorded.
    const store: OpenedStore = {
      ...opened,
      append: async (stream, events, expected) => {
        const appended = await opened.append(stream, events, expected);
        if (!told && events.some((event) => event.type === 'contact.forgotten')) {
          told = true;
          await duringForget();
        }
        return appended;
      },
    };
    const readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    try {
      const applied = async () => (await catchUp({ store, readModel, projections }), true);
      const erased = await eraseContact({ store, readModel, now: () => new Date(), applied }, '7002', 'erasure request #7002');
      expect(E.isRight(erased) && erased.right?.status).toBe('erased');
    } finally {
      await opened.close();
      await readModel.close();
    }
  };

  beforeAll(async () => {
    service = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
    for (const sent of before) await post(sent);
    // Kept before the forget, naming only the booking (not the contact), with a title no event carries.
    await post(JSON.stringify(delivery('booking.updated', 3, { id: 9002, title: ADA.keptTitle, status: 'not-a-status' })));
    // Not JSON at all, but naming the contact by its id.
    await post(`{"event":"contact.updated","data":{"contact":{"id":7002,"name":"${ADA.malformedBefore}"`);
    await settle();
    await forgetFromCli(async () => {
      await post(delivery('contact.updated', 50, { contact: contact(50, { name: ADA.renamed, updated_at: at(50) }) }));
      await post(delivery('message.received', 51, { message: { id: 9101, content: ADA.message, sent_at: at(51) }, contact: { id: 7002 } }));
      await post(delivery('booking.created', 52, { booking: { id: 9001, contact_id: 7002, title: ADA.bookingTitle, status: 'confirmed', starts_at: at(55), ends_at: at(59), created_at: at(52) } }));
    });
    // A restart: whatever the server knew of the forget in memory is gone.
    await service.close();
    service = await serviceHarness(dir.path, { API_TOKEN: TOKEN });
    // The new booking, updated in the flat format, without naming its contact.
    await post(delivery('booking.updated', 53, { id: 9001, title: ADA.movedTitle, starts_at: at(56), ends_at: at(59), updated_at: at(53) }));
    await post(`{"event":"contact.updated","data":{"contact":{"id":7002,"name":"${ADA.malformedAfter}"`);
    await settle();
  });
  afterAll(async () => {
    await service.close();
    dir.remove();
  });

  it('stores every delivery about the contact after the forget began redacted, and leaves no byte of hers under DATA_DIR', () => {
    expect(valuesFoundUnder(dir.path, Object.values(ADA))).toEqual([]);
  });

  it('shows none of it in any answer of the API', async () => {
    for (const url of ['/contacts/7002', '/contacts/7002/conversation', '/bookings/9001', '/bookings/9002', '/bookings?contact_id=7002', '/contacts/7002/audit', '/contacts/7002/history', '/bookings/9001/history', '/quarantine']) {
      const body = (await get(url)).body;
      for (const value of Object.values(ADA)) expect(body, `${url} shows ${value}`).not.toContain(value);
    }
    expect((await get('/bookings/9001')).json()).toMatchObject({ title: '[redacted]', status: 'confirmed' });
  });

  it('leaves a read model that verify finds equal to the log', async () => {
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    const db = openSqliteReadModel(join(dir.path, 'read-model.db'));
    try {
      expect((await verifyReadModel({ store, readModel: db, projections })).matches).toBe(true);
    } finally {
      await store.close();
      await db.close();
    }
  });

  it('stores a kept delivery about the forgotten contact redacted when it is retried', async () => {
    // Kept by a version that did not redact at intake, after the forget: a booking of hers, with a status fixed since.
    const kept = delivery('booking.updated', 54, { id: 9001, title: ADA.retriedTitle, status: 'confirmed', updated_at: at(54) });
    const body = JSON.stringify(kept);
    const appended = await service.store.append('webhook-quarantine', [
      {
        id: 'c0ffee00-0000-4000-8000-000000009001',
        type: 'delivery.quarantined',
        data: { reason: 'booking.updated: status was invalid then', issues: [], event: 'booking.updated', delivery_id: kept.delivery_id, body_text: body },
        metadata: { received_at: at(54), signature: 'not_configured', channel: 'http', headers: {} },
      },
    ]);
    expect(E.isRight(appended)).toBe(true);
    const retried = await service.app.inject({
      method: 'POST',
      url: '/quarantine/retry?event_id=c0ffee00-0000-4000-8000-000000009001',
      headers: { ...auth, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(retried.json().outcomes).toMatchObject([{ status: 'appended', stream: 'booking-9001' }]);
    const history = (await get('/bookings/9001/history')).body;
    expect(history).not.toContain(ADA.retriedTitle);
  });

  it('repairs, when run again, what an older version left stored as received after the forget (read model included)', async () => {
    // What intake without redaction stored after the forget, dated after it: the runner projects it as received.
    const later = '2099-01-01T00:00:00.000000Z';
    const leaked = delivery('contact.updated', 58, { contact: contact(58, { name: ADA.leaked, updated_at: later }) });
    const appended = await service.store.append('contact-7002', [{ id: 'c0ffee00-0000-4000-8000-000000007002', type: 'contact.updated', data: leaked.data, metadata: { received_at: later } }]);
    expect(E.isRight(appended)).toBe(true);
    await settle();
    expect((await get('/contacts/7002')).body).toContain(ADA.leaked);
    const again = await forgetOverHttp(service.app, TOKEN, '7002', { reason: 'run again' });
    expect(again.job?.outcome?.status).toBe('erased');
    await settle();
    expect((await get('/contacts/7002')).body).not.toContain(ADA.leaked);
    expect(valuesFoundUnder(dir.path, [ADA.leaked])).toEqual([]);
  });
});
