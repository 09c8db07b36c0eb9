import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { acceptDelivery } from '../../src/intake/accept-delivery.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { catchUp } from '../../src/runner/catch-up.js';
import type { EventStore } from '../../src/store/event-store.js';
import { eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { bodyOf, nestedExamples } from '../fixtures/reference-deliveries.js';
import { createFakeEventStoreDbClient } from '../store/fake-eventstoredb-client.js';
import { makeTempDir } from '../support/temp-dir.js';
import { cleanupAfterEach } from '../support/cleanup-after-each.js';

/**
 * A progress report's total is the number of events to fold, or none: EventStoreDB positions are byte offsets, and
 * their difference would show a total in the thousands for a handful of events.
 */
describe.each([
  ['eventstoredb (client double: byte-offset positions)', () => eventStoreDbOverClient(createFakeEventStoreDbClient().client), undefined],
  ['sqlite', (dir: string) => openSqliteEventStore(join(dir, 'events.db')), 1],
] as const)('catch-up progress on %s', (_, open, expectedTotal) => {
  const cleanup = cleanupAfterEach();

  it(`reports ${expectedTotal === undefined ? 'no total' : 'the number of events as the total'}`, async () => {
    const dir = makeTempDir('progress');
    const store: EventStore = open(dir.path);
    const db = openSqliteReadModel(join(dir.path, 'read-model.db'));
    cleanup.push(dir.remove, () => store.close(), () => void db.close());
    const accept = acceptDelivery({ store, now: () => new Date() });
    for (const delivery of nestedExamples) await accept({ body: bodyOf(delivery), headers: {}, channel: 'cli' });
    // A read model that has applied the log folds the next events in order (an empty one is rebuilt in bulk).
    await catchUp({ store, readModel: db, projections });
    const another = { ...nestedExamples[0], data: { contact: { id: 7, name: 'N', created_at: '2026-03-04T12:00:00.000000Z' } } };
    await accept({ body: bodyOf(another), headers: {}, channel: 'cli' });
    const totals: Array<number | undefined> = [];
    await catchUp({ store, readModel: db, projections, onProgress: (_done, total) => totals.push(total) });
    expect(totals.length).toBeGreaterThan(0);
    expect(new Set(totals)).toEqual(new Set([expectedTotal]));
  });
});
