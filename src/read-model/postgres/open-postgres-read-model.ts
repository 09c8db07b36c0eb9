import { tmpdir } from 'node:os';
import type { ReadModel } from '../read-model.js';
import { catalogSchemaSql, inSchemaChange, postgresReadModelCatalog } from './catalog.js';
import { openPool, withoutPassword } from './connection.js';
import { postgresReadModelQueries } from './queries.js';
import { safeName } from './table-layout.js';
import { postgresReadModelWrites } from './writes.js';

export type PostgresReadModelOptions = {
  /** `postgres://…`, TLS options included (node-postgres reads `sslmode` and friends from it). */
  readonly url: string;
  /** Where the tables live (READ_MODEL_SCHEMA, default `skylight`). */
  readonly schema: string;
};

/** The read model in PostgreSQL: the same port as the embedded file, over a pool of connections. */
export const openPostgresReadModel = async ({ url, schema }: PostgresReadModelOptions): Promise<ReadModel> => {
  const sql = openPool(url);
  try {
    await inSchemaChange(sql, schema, async (client) => {
      for (const statement of catalogSchemaSql(schema)) await client.query(statement);
    });
  } catch (error) {
    await sql.end();
    throw error;
  }
  const catalog = postgresReadModelCatalog(sql, schema);
  return {
    location: `${withoutPassword(url)} (schema ${schema})`,
    spillDir: tmpdir(),
    catalog,
    writes: postgresReadModelWrites(sql, schema),
    queries: postgresReadModelQueries(sql, schema),
    // The old row versions' bytes go when each table is rewritten, and the statistics' sampled values with ANALYZE;
    // WAL segments and backups keep them until they age out (docs/postgresql.md).
    purge: async () => {
      const { rows } = await sql.query<{ table_name: string }>(
        `SELECT table_name FROM ${safeName(schema)}.read_models UNION SELECT table_name FROM ${safeName(schema)}.rebuilds`,
      );
      for (const { table_name: table } of rows) await sql.query(`VACUUM (FULL, ANALYZE) ${safeName(schema)}.${safeName(table)}`);
      return true;
    },
    close: () => sql.end(),
  };
};
