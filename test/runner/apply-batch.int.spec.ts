import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { batchApplier, emptyBatch } from '../../src/runner/apply-batch.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = '2026-03-04T12:00:00.000Z';

describe('a pending batch', () => {
  const dir = makeTempDir('apply-batch');
  const readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
  beforeAll(() => readModel.catalog.ensure(projections, now));
  afterAll(async () => {
    await readModel.close();
    dir.remove();
  });
  const applier = batchApplier(readModel.writes);

  it('is used once: folding into or committing a batch a fold has moved on from is a bug, and throws', async () => {
    const first = emptyBatch(await readModel.catalog.liveTargets(projections));
    const next = await applier.fold(first, []);

    await expect(applier.fold(first, [])).rejects.toThrow(/used already/);
    await expect(applier.commit(first, now)).rejects.toThrow(/used already/);
    expect(await applier.commit(next, now)).toHaveLength(projections.length);
    await expect(applier.commit(next, now)).rejects.toThrow(/used already/);
  });
});
