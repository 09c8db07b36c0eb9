import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { EventStore, EventToAppend } from '../../src/store/event-store.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { openIdIndex, type IdIndex } from '../../src/store/eventstoredb-id-index.js';
import { createFakeEventStoreDbClient, type FakeEventStoreDbClient } from './fake-eventstoredb-client.js';
import { eventually } from '../support/eventually.js';
import { makeTempDir } from '../support/temp-dir.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';

/**
 * A catch-all stream (webhook-unrecognized, webhook-quarantine, webhook-ping) grows with every delivery. EventStoreDB
 * does not deduplicate an append at the current revision, so the adapter must find an id itself; without an index
 * that meant reading the whole stream, payloads and all, for every new delivery. Cost is counted in events read
 * by the client double, not in time.
 */
const LONG = 50_000;

const event = (): EventToAppend => ({ id: randomUUID(), type: 'invoice.created', data: { n: 1 }, metadata: { d: randomUUID() } });

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`expected Right, got ${JSON.stringify(either.left)}`);
  return either.right;
};

describe('appending to a stream of 50,000 events on EventStoreDB', () => {
  const cleanup = cleanupAfterEach();

  const given = async (indexed: boolean): Promise<{ fake: FakeEventStoreDbClient; store: EventStore }> => {
    const dir = makeTempDir('id-index');
    cleanup.push(dir.remove);
    const fake = createFakeEventStoreDbClient();
    fake.seed('webhook-unrecognized', LONG);
    const store = eventStoreDbOverClient(fake.client, indexed ? { idIndexFile: join(dir.path, 'ids.db') } : {});
    cleanup.push(() => store.close());
    return { fake, store };
  };

  /** Events the append made the client read. */
  const readsOf = async (fake: FakeEventStoreDbClient, work: () => Promise<unknown>): Promise<number> => {
    const before = fake.reads.events;
    await work();
    return fake.reads.events - before;
  };

  /** The oldest event again: a duplicate, found cheaply only once the index covers it. */
  const oldestAgain = (fake: FakeEventStoreDbClient): EventToAppend => {
    const oldest = fake.stored('webhook-unrecognized')[0];
    return { id: oldest?.id ?? '', type: 'seeded', data: { i: 0 }, metadata: {} };
  };

  /** The index follows the log in the background; wait until an append sees it caught up. */
  const indexCaughtUp = (fake: FakeEventStoreDbClient, store: EventStore) =>
    eventually(
      'the id index has caught up',
      async () => ((await readsOf(fake, () => store.append('webhook-unrecognized', [oldestAgain(fake)]))) <= 8 ? true : undefined),
      30_000,
    );

  it('reads a bounded number of events for a new id, whatever the length, with the id index', async () => {
    const { fake, store } = await given(true);
    await indexCaughtUp(fake, store);
    const fresh = event();
    const reads = await readsOf(fake, async () => {
      expect(right(await store.append('webhook-unrecognized', [fresh])).events[0]).toMatchObject({ status: 'appended', revision: LONG });
    });
    expect(reads).toBeLessThanOrEqual(8);
  });

  it('still finds an old id (a duplicate at revision 10) with a bounded read', async () => {
    const { fake, store } = await given(true);
    await indexCaughtUp(fake, store);
    const old = fake.stored('webhook-unrecognized')[10];
    const again = { id: old?.id ?? '', type: 'seeded', data: { i: 10 }, metadata: {} };
    const reads = await readsOf(fake, async () => {
      expect(right(await store.append('webhook-unrecognized', [again])).events[0]).toMatchObject({
        status: 'duplicate',
        revision: 10,
        position: Number(old?.position),
      });
    });
    expect(reads).toBeLessThanOrEqual(8);
    expect(fake.stored('webhook-unrecognized')).toHaveLength(LONG);
  });

  it('reads the whole stream for a new id without the index (what the index saves)', async () => {
    const { fake, store } = await given(false);
    expect(await readsOf(fake, () => store.append('webhook-unrecognized', [event()]))).toBeGreaterThanOrEqual(LONG);
  });

  it('stays exact before the index has caught up: it then reads the stream', async () => {
    const { fake, store } = await given(true);
    expect(right(await store.append('webhook-unrecognized', [oldestAgain(fake)])).events[0]?.status).toBe('duplicate');
    expect(fake.stored('webhook-unrecognized')).toHaveLength(LONG);
  });
});

describe('the id index of a log that was replaced', () => {
  it('is dropped and rebuilt when the server holds another log (volume wiped, another server)', async () => {
    const dir = makeTempDir('id-index-wiped');
    const file = join(dir.path, 'ids.db');
    try {
      const caughtUp = async (index: IdIndex, store: EventStore) => {
        const head = right(await store.headPosition());
        await eventually('the id index has reached the head', () => (index.watermark() < head ? undefined : true), 12_000);
        expect(index.watermark()).toBe(head);
      };
      const before = createFakeEventStoreDbClient();
      before.seed('webhook-unrecognized', 1_000);
      const oldStore = eventStoreDbOverClient(before.client);
      const oldIndex = openIdIndex(file, oldStore, 20);
      await caughtUp(oldIndex, oldStore);
      await oldIndex.close();
      await oldStore.close();

      const after = createFakeEventStoreDbClient();
      after.seed('webhook-unrecognized', 2_000);
      const store = eventStoreDbOverClient(after.client);
      const index = openIdIndex(file, store, 20);
      await caughtUp(index, store);
      const oldest = after.stored('webhook-unrecognized')[0];
      expect(index.lookup('webhook-unrecognized', [oldest?.id ?? ''])).toEqual(
        new Map([[oldest?.id, { revision: 0, position: Number(oldest?.position) }]]),
      );
      expect(index.lookup('webhook-unrecognized', [before.stored('webhook-unrecognized')[5]?.id ?? '']).size).toBe(0);
      await index.close();
      await store.close();
    } finally {
      dir.remove();
    }
  });
});
