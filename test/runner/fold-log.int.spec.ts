import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { foldLog } from '../../src/runner/fold-log.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { fillStore } from '../support/fill-store.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = () => new Date('2026-11-27T00:00:00Z');

describe('foldLog: the log folded in order', () => {
  const dir = makeTempDir('fold-log');
  let store: EventStore;
  let readModel: ReadModel;
  let head = 0;

  beforeAll(async () => {
    store = openSqliteEventStore(join(dir.path, 'events.db'));
    readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    await fillStore(store, 100, 3);
    head = E.getOrElse(() => 0)(await store.headPosition());
  });
  afterAll(async () => {
    await store.close();
    await readModel.close();
    dir.remove();
  });

  it('commits whenever its working set of entity states is full, not only at the end', async () => {
    const scratch = await readModel.catalog.createScratch(projections, 'verify', now().toISOString());
    // Where each commit moved the checkpoints, seen through the port.
    const seen: number[] = [];
    const commit: ReadModel['writes']['commit'] = async (tables, skipped, at) => {
      const advanced = await readModel.writes.commit(tables, skipped, at);
      seen.push(Math.min(...advanced.map((t) => t.position)));
      return advanced;
    };
    try {
      const result = await foldLog({
        store,
        readModel: { ...readModel, writes: { ...readModel.writes, commit } },
        targets: scratch,
        until: head,
        now,
        workingSet: 50,
      });
      expect(result.events).toBe(head);
      expect(result.targets.map((t) => t.position)).toEqual(projections.map(() => head));
      // Committed part-way, several times, each time further.
      const partway = seen.filter((position) => position > 0 && position < head);
      expect(partway.length).toBeGreaterThan(3);
      expect(partway).toEqual([...partway].sort((a, b) => a - b));
    } finally {
      await readModel.catalog.dropScratch(scratch);
    }
  });
});
