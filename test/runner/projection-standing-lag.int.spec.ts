import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { projectionStanding } from '../../src/runner/projection-standing.js';
import type { EventStore, RecordedEvent } from '../../src/store/event-store.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { createFakeEventStoreDbClient } from '../store/fake-eventstoredb-client.js';
import { makeTempDir } from '../support/temp-dir.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';

/**
 * The lag /ready and /metrics report, in events and in seconds. On EventStoreDB positions are byte offsets: ten
 * events apart is thousands of positions apart, and a lag computed from positions would say thousands.
 */
const stores: ReadonlyArray<[string, (dir: string) => EventStore]> = [
  ['eventstoredb (client double: byte-offset positions)', () => eventStoreDbOverClient(createFakeEventStoreDbClient().client)],
  ['sqlite', (dir) => openSqliteEventStore(join(dir, 'events.db'))],
];

describe.each(stores)('projection lag on %s', (_, open) => {
  const cleanup = cleanupAfterEach();

  const given = async (count: number) => {
    const dir = makeTempDir('lag');
    const store = open(dir.path);
    const readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    cleanup.push(dir.remove, () => store.close(), () => void readModel.close());
    for (let i = 0; i < count; i += 1) {
      const appended = await store.append(`contact-${i}`, [{ id: randomUUID(), type: 'contact.created', data: { i }, metadata: {} }]);
      if (E.isLeft(appended)) throw new Error('append failed');
    }
    const log: RecordedEvent[] = [];
    for await (const recorded of store.readAll()) log.push(recorded);
    const standingAt = async (position: number, now: Date) => {
      const runner = { progress: () => [{ name: 'contacts', version: 1, position, advancedAt: now.getTime() }] };
      const standing = await projectionStanding({ store, runner, readModel, projections, now: () => now });
      if (E.isLeft(standing)) throw new Error('store failed');
      return standing.right.projections[0];
    };
    return { log, standingAt };
  };

  it('counts the events after the checkpoint and the age of the oldest one not applied', async () => {
    const { log, standingAt } = await given(10);
    const [first, second] = log;
    const now = new Date(Date.parse(second?.recordedAt ?? '') + 30_000);
    expect(await standingAt(first?.position ?? 0, now)).toMatchObject({ lagEvents: 9, lagExact: true, lagSeconds: 30 });
  });

  it('has no lag at the head', async () => {
    const { log, standingAt } = await given(3);
    expect(await standingAt(log.at(-1)?.position ?? 0, new Date())).toMatchObject({ lagEvents: 0, lagSeconds: 0 });
  });

  it('says when the count stopped at its bound', async () => {
    const { standingAt } = await given(120);
    expect(await standingAt(0, new Date())).toMatchObject({ lagEvents: 100, lagExact: false });
  });
});
