import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { ensureReadModels, liveTargets } from '../../src/read-model/read-model-catalog.js';
import { openReadModelDb } from '../../src/read-model/read-model-db.js';
import { sqliteReadModelWrites } from '../../src/read-model/sqlite/writes.js';
import { batchApplier, emptyBatch } from '../../src/runner/apply-batch.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = '2026-03-04T12:00:00.000Z';

describe('a pending batch', () => {
  const dir = makeTempDir('apply-batch');
  const db = openReadModelDb(join(dir.path, 'read-model.db'));
  afterAll(() => {
    db.close();
    dir.remove();
  });
  ensureReadModels(db, projections, now);
  const applier = batchApplier(sqliteReadModelWrites(db));

  it('is used once: folding into or committing a batch a fold has moved on from is a bug, and throws', async () => {
    const first = emptyBatch(liveTargets(db, projections));
    const next = await applier.fold(first, []);

    await expect(applier.fold(first, [])).rejects.toThrow(/used already/);
    await expect(applier.commit(first, now)).rejects.toThrow(/used already/);
    expect(await applier.commit(next, now)).toHaveLength(projections.length);
    await expect(applier.commit(next, now)).rejects.toThrow(/used already/);
  });
});
