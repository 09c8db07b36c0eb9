import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { ensureReadModels, liveTargets } from '../../src/read-model/read-model-catalog.js';
import { openReadModelDb } from '../../src/read-model/read-model-db.js';
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
  const applier = batchApplier(db);

  it('is used once: folding into or committing a batch a fold has moved on from is a bug, and throws', () => {
    const first = emptyBatch(liveTargets(db, projections));
    const next = applier.fold(first, []);

    expect(() => applier.fold(first, [])).toThrow(/used already/);
    expect(() => applier.commit(first, now)).toThrow(/used already/);
    expect(applier.commit(next, now)).toHaveLength(projections.length);
    expect(() => applier.commit(next, now)).toThrow(/used already/);
  });
});
