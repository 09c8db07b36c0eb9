import { randomUUID } from 'node:crypto';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { parseConfig } from '../../src/config.js';
import { acceptDelivery } from '../../src/intake/accept-delivery.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { catchUp } from '../../src/runner/catch-up.js';
import { claimReadModel } from '../../src/runner/claim-read-model.js';
import { composeService } from '../../src/server.js';
import type { EventStore } from '../../src/store/event-store.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { bodyOf, nestedExamples } from '../fixtures/reference-deliveries.js';
import { createFakeEventStoreDbClient } from '../store/fake-eventstoredb-client.js';
import { eventually } from '../support/eventually.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';

/**
 * The read model (DATA_DIR) and the log (EventStoreDB's volume, or events.db) can be wiped, restored or switched
 * separately. Checkpoints of another log must not be taken at their word: a subscription from beyond the head goes
 * straight to live (the client double does as the server does) and nothing new is projected.
 */
const now = () => new Date('2026-03-04T12:00:00Z');

const deliver = async (store: EventStore, deliveries: readonly unknown[]) => {
  const accept = acceptDelivery({ store, now });
  for (const delivery of deliveries) await accept({ body: bodyOf(delivery), headers: {}, channel: 'cli' });
};

const checkpoints = async (readModel: ReadModel) => (await readModel.catalog.entries()).map((entry) => entry.position);

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`expected Right, got ${JSON.stringify(either.left)}`);
  return either.right;
};

type Log = { readonly open: () => EventStore; readonly wipe: () => void };

const eventStoreDbLog = (): Log => {
  let fake = createFakeEventStoreDbClient();
  return { open: () => eventStoreDbOverClient(fake.client), wipe: () => (fake = createFakeEventStoreDbClient()) };
};
const sqliteLog = (dir: string): Log => ({
  open: () => openSqliteEventStore(join(dir, 'events.db')),
  wipe: () => rmSync(join(dir, 'events.db'), { force: true }),
});

describe.each([
  ['eventstoredb (client double)', () => eventStoreDbLog()],
  ['sqlite', (dir: string) => sqliteLog(dir)],
])('a read model whose log was wiped, on %s', (_, makeLog) => {
  const cleanup = cleanupAfterEach();

  /** A read model built from the whole reference log, then the log wiped and a shorter one written. */
  const givenWipedLog = async () => {
    const dir = makeTempDir('foreign');
    cleanup.push(dir.remove);
    const log = makeLog(dir.path);
    const db = openSqliteReadModel(join(dir.path, 'read-model.db'));
    cleanup.push(() => db.close());
    const before = log.open();
    await deliver(before, nestedExamples);
    right(await claimReadModel({ store: before, readModel: db, policy: 'refuse', now }));
    await catchUp({ store: before, readModel: db, projections });
    await before.close();
    log.wipe();
    const after = log.open();
    cleanup.push(() => after.close());
    await deliver(after, nestedExamples.slice(1, 3));
    return { db, store: after, oldCheckpoints: await checkpoints(db) };
  };

  it('is emptied and rebuilt from the new log, which is then projected', async () => {
    const { db, store } = await givenWipedLog();
    const claim = right(await claimReadModel({ store, readModel: db, policy: 'rebuild', now }));
    expect(claim).toMatchObject({ kind: 'rebuilt', reason: expect.stringContaining('log') });
    const result = await catchUp({ store, readModel: db, projections });
    expect(result.events).toBe(2);
    const head = right(await store.headPosition());
    expect(new Set(await checkpoints(db))).toEqual(new Set([head]));
  });

  it('is refused, and left untouched, when the policy says refuse', async () => {
    const { db, store, oldCheckpoints } = await givenWipedLog();
    const claim = right(await claimReadModel({ store, readModel: db, policy: 'refuse', now }));
    expect(claim).toMatchObject({ kind: 'refused' });
    expect(await checkpoints(db)).toEqual(oldCheckpoints);
  });

  it('belongs, and is kept, when it is the same log', async () => {
    const dir = makeTempDir('own');
    cleanup.push(dir.remove);
    const store = makeLog(dir.path).open();
    const db = openSqliteReadModel(join(dir.path, 'read-model.db'));
    cleanup.push(
      () => db.close(),
      () => store.close(),
    );
    await deliver(store, nestedExamples);
    right(await claimReadModel({ store, readModel: db, policy: 'refuse', now }));
    await catchUp({ store, readModel: db, projections });
    const built = await checkpoints(db);
    expect(right(await claimReadModel({ store, readModel: db, policy: 'refuse', now }))).toEqual({ kind: 'belongs' });
    expect(await checkpoints(db)).toEqual(built);
  });
});

describe('the server over a read model ahead of its log', () => {
  it('refuses to start with FOREIGN_READ_MODEL=refuse after events.db was restored from an older backup', async () => {
    const dir = makeTempDir('restored');
    try {
      const first = await serviceHarness(dir.path);
      await first.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(nestedExamples[0]) });
      await first.close();
      copyFileSync(join(dir.path, 'events.db'), join(dir.path, 'backup.db'));
      const second = await serviceHarness(dir.path);
      for (const delivery of nestedExamples.slice(1)) {
        await second.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(delivery) });
      }
      const head = right(await second.store.headPosition());
      expect(await second.runner.waitFor(head, 10_000)).toBe(true);
      await second.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir.path, `events.db${suffix}`), { force: true });
      copyFileSync(join(dir.path, 'backup.db'), join(dir.path, 'events.db'));
      await expect(serviceHarness(dir.path, { FOREIGN_READ_MODEL: 'refuse' })).rejects.toThrow(/beyond the event store's head/);
      const third = await serviceHarness(dir.path);
      await third.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(nestedExamples[1]) });
      const newHead = right(await third.store.headPosition());
      expect(await third.runner.waitFor(newHead, 10_000)).toBe(true);
      expect(new Set(third.runner.progress().map((p) => p.position))).toEqual(new Set([newHead]));
      await third.close();
    } finally {
      dir.remove();
    }
  });
});

describe('a server started while EventStoreDB cannot be reached, over a read model of another log', () => {
  it('starts, and rebuilds the read model from this log once the server answers', async () => {
    const dir = makeTempDir('deferred');
    const config = parseConfig({ DATA_DIR: dir.path, LOG_LEVEL: 'silent', EVENT_STORE: 'eventstoredb', ESDB_CONNECTION_STRING: 'esdb://fake:2113?tls=false' });
    if (E.isLeft(config)) throw new Error(config.left);
    try {
      const before = createFakeEventStoreDbClient();
      const first = await composeService(config.right, projections, async () => eventStoreDbOverClient(before.client));
      for (const delivery of nestedExamples) {
        await first.app.inject({ method: 'POST', url: '/webhooks/skylight', headers: { 'content-type': 'application/json' }, payload: bodyOf(delivery) });
      }
      expect(await first.runner.waitFor(right(await first.store.headPosition()), 10_000)).toBe(true);
      await first.close();

      const after = createFakeEventStoreDbClient();
      after.down = true;
      const second = await composeService(config.right, projections, async () => eventStoreDbOverClient(after.client));
      try {
        after.down = false;
        right(await second.store.append('contact-9', [{ id: randomUUID(), type: 'contact.created', data: { contact: { id: 9, created_at: '2026-03-04T12:00:00.000000Z' } }, metadata: {} }]));
        const head = right(await second.store.headPosition());
        // The old checkpoints are beyond this head, so waitFor would say "reached" at once: watch them come back.
        const positions = () => new Set(second.runner.progress().map((p) => p.position));
        await eventually('every checkpoint is back at the head', () => (positions().size === 1 && positions().has(head) ? true : undefined), 10_000);
        expect(positions()).toEqual(new Set([head]));
      } finally {
        await second.close();
      }
    } finally {
      dir.remove();
    }
  });
});
