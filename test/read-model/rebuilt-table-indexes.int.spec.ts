import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = '2026-03-05T00:00:00.000Z';

/** Each index's columns, by the part of its name after its table's: the same shape for a table of any generation. */
type IndexShapes = Record<string, string>;

// A scratch table is filled without its filter indexes, built when it goes into service (both stores'
// table-layout.ts). The table that serves must have every index of a table made live from the start: a list filter
// would still answer without one, only slowly, so nothing else would notice.
describe('a rebuilt table in the embedded read model', () => {
  const dir = makeTempDir('rebuilt-table-indexes');
  afterEach(() => dir.remove());

  it('goes into service with every index of a table made live from the start', async () => {
    const file = join(dir.path, 'read-model.db');
    const readModel = openSqliteReadModel(file);
    const inspect = new Database(file, { readonly: true });
    const indexesOf = async (table: string): Promise<IndexShapes> =>
      Object.fromEntries(
        inspect
          .prepare<[string], { name: string; sql: string | null }>("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?")
          .all(table)
          .map(({ name, sql }) => [name.replace(table, ''), (sql ?? 'automatic').replaceAll(table, 'T')]),
      );
    try {
      const reference = new Map<string, IndexShapes>();
      await readModel.catalog.ensure(projections, now);
      for (const target of await readModel.catalog.liveTargets(projections)) reference.set(target.projection.name, await indexesOf(target.tableName));
      const scratch = await readModel.catalog.createScratch(projections, 'rebuild', now);
      // While it is filled: its key, nothing else.
      for (const target of scratch) expect(Object.keys(await indexesOf(target.tableName))).toEqual(['sqlite_autoindex__1']);
      for (const target of await readModel.catalog.swapIn(scratch, now)) {
        expect(await indexesOf(target.tableName), target.projection.name).toEqual(reference.get(target.projection.name));
        expect(Object.keys(reference.get(target.projection.name) ?? {}).length).toBeGreaterThan(1);
      }
    } finally {
      inspect.close();
      await readModel.close();
    }
  });
});

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('a rebuilt table on PostgreSQL');

describe.skipIf(!available)('a rebuilt table on PostgreSQL', () => {
  const schema = freshSchema();
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  afterAll(async () => {
    await client.end();
    await schema.drop();
  });

  it('goes into service with every index of a table made live from the start', async () => {
    await client.connect();
    const readModel = await openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: schema.name });
    const indexesOf = async (table: string): Promise<IndexShapes> => {
      const { rows } = await client.query<{ indexname: string; indexdef: string }>('SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = $2', [
        schema.name,
        table,
      ]);
      return Object.fromEntries(rows.map(({ indexname, indexdef }) => [indexname.replace(table, ''), indexdef.replaceAll(table, 'T')]));
    };
    try {
      const reference = new Map<string, IndexShapes>();
      await readModel.catalog.ensure(projections, now);
      for (const target of await readModel.catalog.liveTargets(projections)) reference.set(target.projection.name, await indexesOf(target.tableName));
      const scratch = await readModel.catalog.createScratch(projections, 'rebuild', now);
      // While it is filled: its key and its unique sort key, nothing else.
      for (const target of scratch) expect(Object.keys(await indexesOf(target.tableName)).sort()).toEqual(['_pkey', '_sort_key_key']);
      for (const target of await readModel.catalog.swapIn(scratch, now)) {
        expect(await indexesOf(target.tableName), target.projection.name).toEqual(reference.get(target.projection.name));
      }
    } finally {
      await readModel.close();
    }
  });
});
