import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { projections } from '../../projections/registry.js';
import type { ContactFilters } from '../../src/read-model/list-filters.js';
import type { SortText } from '../../src/read-model/list-sort.js';
import type { ProjectionTarget } from '../../src/read-model/read-model-catalog.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = '2026-03-05T00:00:00.000Z';
const contact = (id: number | string, status: string, name: string, deleted: boolean | undefined = false) => ({ id, status, type: 'whatsapp', name, deleted });

/** The rows of the embedded read model's contacts table, written and read through the port only. */
describe('a contacts row in the embedded read model', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let readModel: ReadModel;
  let target: ProjectionTarget;
  /** Commits a state whose view is the state itself, as a new checkpoint. */
  const save = async (key: string, view: unknown) => {
    const [advanced] = await readModel.writes.commit([{ target, rows: [{ key, state: view }], to: target.position + 1 }], [], now);
    if (advanced !== undefined) target = advanced;
  };
  const listed = async (filters: ContactFilters, sort: SortText<'contacts'> = 'id') => {
    const page = await readModel.queries.list('contacts', filters, { sort, limit: 50 });
    if (E.isLeft(page)) throw new Error(`the list was refused: ${page.left.kind}`);
    return page.right.items.map((item) => (item as { id: unknown }).id);
  };

  beforeEach(async () => {
    dir = makeTempDir('sqlite-table-rows');
    readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    await readModel.catalog.ensure(projections, now);
    const live = (await readModel.catalog.liveTargets(projections)).find((t) => t.projection.name === 'contacts');
    if (live === undefined) throw new Error('no contacts table');
    target = { ...live, projection: { ...live.projection, view: (state: unknown) => state } };
  });
  afterEach(async () => {
    await readModel.close();
    dir.remove();
  });

  it('is listed by its filter columns, numeric keys in numeric order before the others', async () => {
    await save('10', contact(10, 'active', 'Bob'));
    await save('a', contact('a', 'active', 'Cyd'));
    await save('7', contact(7, 'active', 'Ann'));
    await save('8', contact(8, 'blocked', 'Ann'));
    expect(await listed({ status: 'active' })).toEqual([7, 10, 'a']);
    expect(await listed({ q: 'ANN' })).toEqual([7, 8]);
    expect(await readModel.queries.countByStatus('contacts', {})).toEqual({ active: 3, blocked: 1 });
  });

  it('keeps its place in the filters when an update leaves them as they are', async () => {
    await save('7', contact(7, 'active', 'Ann'));
    await save('7', contact(7, 'active', 'Anna'));
    expect(await listed({ status: 'active' })).toEqual([7]);
    expect(await listed({ q: 'anna' })).toEqual([7]);
    expect(await readModel.queries.view('contacts', '7')).toEqual(contact(7, 'active', 'Anna'));
  });

  it('moves in the filters when an update changes an indexed column', async () => {
    await save('7', contact(7, 'active', 'Ann'));
    await save('7', contact(7, 'blocked', 'Ann'));
    expect(await listed({ status: 'active' })).toEqual([]);
    expect(await listed({ status: 'blocked' })).toEqual([7]);
  });

  it('counts as not deleted when its view does not say, and is hidden once it does', async () => {
    await save('7', contact(7, 'active', 'Ann', undefined));
    expect(await listed({})).toEqual([7]);
    await save('7', contact(7, 'active', 'Ann', true));
    expect(await listed({})).toEqual([]);
    expect(await listed({ include_deleted: true })).toEqual([7]);
  });

  it('leaves every list when its view goes (nothing known)', async () => {
    await save('7', contact(7, 'active', 'Ann'));
    await save('7', null);
    expect(await listed({ include_deleted: true })).toEqual([]);
    expect(await readModel.queries.countByStatus('contacts', { include_deleted: true })).toEqual({});
    expect(await readModel.queries.view('contacts', '7')).toBeUndefined();
  });

  it('is refused by a fill when it exists already (a fill is for tables filled from scratch)', async () => {
    await readModel.writes.fill(target, new Map([['7', contact(7, 'active', 'Ann')]]));
    await expect(readModel.writes.fill(target, new Map([['7', contact(7, 'active', 'Ann')]]))).rejects.toThrow(/UNIQUE/);
  });

  it('moves in the order of updated_at when an update changes it, the other indexed columns as they were', async () => {
    await save('7', { ...contact(7, 'active', 'Ann'), updated_at: '2026-03-01T00:00:00Z' });
    await save('8', { ...contact(8, 'active', 'Bob'), updated_at: '2026-03-02T00:00:00Z' });
    expect(await listed({}, 'updated_at')).toEqual([7, 8]);
    await save('7', { ...contact(7, 'active', 'Ann'), updated_at: '2026-03-03T00:00:00Z' });
    expect(await listed({}, 'updated_at')).toEqual([8, 7]);
    expect(await listed({ status: 'ACTIVE' }, '-updated_at')).toEqual([7, 8]);
  });

  it('keeps serving a table an earlier version made (during its rebuild): filters as written, a sort it has no column for refused', async () => {
    await save('7', contact(7, 'active', 'Ann'));
    await save('8', contact(8, 'Active', 'Bob'));
    // The table as version 4 of the projection made it: no folded, tag, name or update-time columns.
    const raw = new Database(join(dir.path, 'read-model.db'));
    for (const column of ['status_fold', 'type_fold', 'tags_fold', 'name_sort', 'updated_at_us']) {
      raw.exec(`DROP INDEX IF EXISTS ${target.tableName}_${column}`);
      raw.exec(`ALTER TABLE ${target.tableName} DROP COLUMN ${column}`);
    }
    raw.close();
    const older = openSqliteReadModel(join(dir.path, 'read-model.db'));
    try {
      const ids = (listed: Awaited<ReturnType<ReadModel['queries']['list']>>) => (E.isRight(listed) ? listed.right.items.map((item) => (item as { id: unknown }).id) : listed.left);
      expect(ids(await older.queries.list('contacts', {}, { sort: '-id', limit: 50 }))).toEqual([8, 7]);
      expect(ids(await older.queries.list('contacts', { status: 'active' }, { sort: 'id', limit: 50 }))).toEqual([7]);
      expect(ids(await older.queries.list('contacts', {}, { sort: 'name', limit: 50 }))).toEqual({ kind: 'sort_unavailable', sort: 'name' });
      expect((await older.queries.facets('contacts', {})).status.values).toEqual([
        { value: 'Active', count: 1 },
        { value: 'active', count: 1 },
      ]);
    } finally {
      await older.close();
    }
  });
});
