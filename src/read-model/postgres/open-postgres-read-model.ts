import { tmpdir } from 'node:os';
import type { ReadModel } from '../read-model.js';
import { catalogSchemaSql, inSchemaChange, postgresReadModelCatalog } from './catalog.js';
import { openPool, withoutPassword } from './connection.js';
import { postgresReadModelQueries } from './queries.js';
import { rewriteTables } from './rewrite-tables.js';
import { postgresReadModelWrites } from './writes.js';
import { postgresWriterLease } from './writer-lease.js';

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
    writerLease: () => postgresWriterLease(url, schema),
    purge: () => rewriteTables(sql, schema),
    close: () => sql.end(),
  };
};
