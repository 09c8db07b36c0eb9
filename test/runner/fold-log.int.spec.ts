import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { createScratchTargets, dropScratchTargets } from '../../src/read-model/read-model-catalog.js';
import { openReadModelDb, type ReadModelDb } from '../../src/read-model/read-model-db.js';
import { foldLog } from '../../src/runner/fold-log.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { fillStore } from '../support/fill-store.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = () => new Date('2026-11-27T00:00:00Z');

describe('foldLog: the log folded in order', () => {
  const dir = makeTempDir('fold-log');
  let store: EventStore;
  let db: ReadModelDb;
  let head = 0;

  beforeAll(async () => {
    store = openSqliteEventStore(join(dir.path, 'events.db'));
    db = openReadModelDb(join(dir.path, 'read-model.db'));
    await fillStore(store, 100, 3);
    head = E.getOrElse(() => 0)(await store.headPosition());
  });
  afterAll(async () => {
    await store.close();
    db.close();
    dir.remove();
  });

  it('commits whenever its working set of entity states is full, not only at the end', async () => {
    const scratch = createScratchTargets(db, projections, 'verify', now().toISOString());
    const checkpoint = db.prepare<[string], { position: number }>('SELECT position FROM rebuilds WHERE table_name = ?');
    const seen: number[] = [];
    try {
      const result = await foldLog({
        store,
        db,
        targets: scratch,
        until: head,
        now,
        workingSet: 50,
        onProgress: () => seen.push(checkpoint.get(scratch[0]?.tableName ?? '')?.position ?? -1),
      });
      expect(result.events).toBe(head);
      expect(result.targets.map((t) => t.position)).toEqual(projections.map(() => head));
      // Committed part-way, several times, each time further.
      const partway = seen.filter((position) => position > 0 && position < head);
      expect(partway.length).toBeGreaterThan(3);
      expect(partway).toEqual([...partway].sort((a, b) => a - b));
    } finally {
      dropScratchTargets(db, scratch);
    }
  });
});
