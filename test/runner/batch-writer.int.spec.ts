import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import type { ReadModelWrites } from '../../src/read-model/read-model-writes.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { batchWriter } from '../../src/runner/batch-writer.js';
import type { RecordedEvent } from '../../src/store/event-store.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = '2026-03-04T12:00:00.000Z';

/** contact.created for contact 1 at the given log position, with the name given. */
const created = (position: number, name: string): RecordedEvent => ({
  id: `event-${name}`,
  stream: 'contact-1',
  type: 'contact.created',
  revision: position - 1,
  position,
  data: { contact: { id: 1, name, created_at: '2026-03-04T12:00:00.000000Z' } },
  metadata: {},
  recordedAt: now,
});

describe('a batch writer', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let readModel: ReadModel;
  /** Per commit, the keys of the contacts rows it wrote; the keys each read of contacts states asked for. */
  let written: string[][];
  let loaded: string[][];
  let writes: ReadModelWrites;

  beforeEach(async () => {
    dir = makeTempDir('batch-writer');
    readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    await readModel.catalog.ensure(projections, now);
    written = [];
    loaded = [];
    writes = {
      ...readModel.writes,
      loadStates: async (target, keys) => {
        if (target.projection.name === 'contacts') loaded.push([...keys]);
        return readModel.writes.loadStates(target, keys);
      },
      commit: async (tables, skipped, at) => {
        written.push(tables.filter((t) => t.target.projection.name === 'contacts').flatMap((t) => t.rows.map((row) => row.key)));
        return readModel.writes.commit(tables, skipped, at);
      },
    };
  });
  afterEach(async () => {
    await readModel.close();
    dir.remove();
  });

  it('writes a row once per commit however many events touched it, and none that no event changed', async () => {
    const writer = batchWriter(writes, await readModel.catalog.liveTargets(projections));
    await writer.fold([created(1, 'Ann'), created(2, 'Ann'), created(3, 'Anna')]);
    expect(writer.held()).toBeGreaterThan(0);
    await writer.commit(now);
    expect(writer.held()).toBe(0);
    // The same event again changes nothing: the state stays the one stored.
    await writer.fold([{ ...created(4, 'Anna'), id: 'event-Anna' }]);
    const advanced = await writer.commit(now);
    expect(written).toEqual([['1'], []]);
    expect(advanced.map((t) => t.position)).toEqual(projections.map(() => 4));
    expect(await readModel.queries.view('contacts', '1')).toMatchObject({ name: 'Anna' });
  });

  it('reads a state back from its table only when it holds none: not what it committed itself', async () => {
    const first = batchWriter(writes, await readModel.catalog.liveTargets(projections));
    await first.fold([created(1, 'Ann')]);
    await first.commit(now);
    await first.fold([created(2, 'Anna')]);
    await first.commit(now);
    expect(loaded).toEqual([['1']]);
    // A writer of its own (the runner's after a restart) reads it from the table.
    const second = batchWriter(writes, first.targets());
    await second.fold([created(3, 'Annie')]);
    expect(loaded).toEqual([['1'], ['1']]);
  });

  it('folds no event at or below a target checkpoint', async () => {
    const writer = batchWriter(writes, await readModel.catalog.liveTargets(projections));
    await writer.fold([created(1, 'Ann')]);
    const [contacts] = (await writer.commit(now)).filter((t) => t.projection.name === 'contacts');
    if (contacts === undefined) throw new Error('no contacts target');
    const again = batchWriter(writes, [contacts]);
    await again.fold([created(1, 'Bob')]);
    expect(again.held()).toBe(0);
    await again.commit(now);
    expect(await readModel.queries.view('contacts', '1')).toMatchObject({ name: 'Ann' });
  });
});
