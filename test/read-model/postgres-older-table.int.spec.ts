import * as E from 'fp-ts/lib/Either.js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';

const now = '2026-03-05T00:00:00.000Z';
const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('a table an earlier version made, on PostgreSQL');

describe.skipIf(!available)('a contacts table an earlier version made, serving on PostgreSQL during its rebuild', () => {
  const schema = freshSchema();
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  let readModel: ReadModel | undefined;
  const ids = (listed: Awaited<ReturnType<ReadModel['queries']['list']>>) => (E.isRight(listed) ? listed.right.items.map((item) => (item as { id: unknown }).id) : listed.left);

  beforeAll(async () => {
    readModel = await openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: schema.name });
    await readModel.catalog.ensure(projections, now);
    const live = (await readModel.catalog.liveTargets(projections)).find((t) => t.projection.name === 'contacts');
    if (live === undefined) throw new Error('no contacts table');
    const target = { ...live, projection: { ...live.projection, view: (state: unknown) => state } };
    const rows = [
      { key: '7', state: { id: 7, name: 'Ann', status: 'active', deleted: false } },
      { key: '8', state: { id: 8, name: 'Bob', status: 'Active', deleted: false } },
    ];
    await readModel.writes.commit([{ target, rows, to: 1 }], [], now);
    // The table as version 4 of the projection made it: no folded, tag, name or update-time columns.
    await client.connect();
    await client.query(`ALTER TABLE ${schema.name}.${live.tableName} DROP COLUMN status_fold, DROP COLUMN type_fold, DROP COLUMN tags_fold, DROP COLUMN name_sort, DROP COLUMN updated_at_us`);
  });
  afterAll(async () => {
    await readModel?.close();
    await client.end();
    await schema.drop();
  });

  it('filters as written, and refuses only a sort it has no column for', async () => {
    const queries = (readModel as ReadModel).queries;
    expect(ids(await queries.list('contacts', {}, { sort: '-id', limit: 50 }))).toEqual([8, 7]);
    expect(ids(await queries.list('contacts', { status: 'active' }, { sort: 'id', limit: 50 }))).toEqual([7]);
    expect(ids(await queries.list('contacts', {}, { sort: 'name', limit: 50 }))).toEqual({ kind: 'sort_unavailable', sort: 'name' });
    expect((await queries.facets('contacts', {})).status.values).toEqual([
      { value: 'Active', count: 1 },
      { value: 'active', count: 1 },
    ]);
  });
});
