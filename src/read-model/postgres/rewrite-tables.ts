import { setTimeout as pause } from 'node:timers/promises';
import { LOCK_NOT_AVAILABLE, LOCK_TIMEOUT, RETRY_PAUSE_MS, sqlState, type Client, type Sql } from './connection.js';
import { safeName } from './table-layout.js';

/** Tries of one table before the purge says it could not be made sure of now (and the forget is run again). */
const TRIES = 5;
const UNDEFINED_TABLE = '42P01';

/** One table rewritten; false when a person's long query held it every time (the wait is bounded, as a swap's is). */
const rewrite = async (client: Client, table: string): Promise<boolean> => {
  for (let tried = 1; ; tried++) {
    try {
      await client.query(`VACUUM (FULL, ANALYZE) ${table}`);
      return true;
    } catch (error) {
      // A swap dropped it meanwhile: its files went with it.
      if (sqlState(error) === UNDEFINED_TABLE) return true;
      if (sqlState(error) !== LOCK_NOT_AVAILABLE) throw error;
      if (tried === TRIES) return false;
      await pause(RETRY_PAUSE_MS);
    }
  }
};

/**
 * Every projection table rewritten after an erasure, live and being filled: the old row versions' bytes go, and the
 * statistics' sampled values are taken again (ANALYZE). WAL segments and backups keep them until they age out
 * (docs/postgresql.md).
 */
export const rewriteTables = async (sql: Sql, schema: string): Promise<boolean> => {
  const s = safeName(schema);
  const client = await sql.connect();
  try {
    // VACUUM runs outside a transaction, so the setting is the session's, and reset before the connection goes back.
    await client.query(`SET lock_timeout = '${LOCK_TIMEOUT}'`);
    const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM ${s}.read_models UNION SELECT table_name FROM ${s}.rebuilds`);
    for (const { table_name: table } of rows) if (!(await rewrite(client, `${s}.${safeName(table)}`))) return false;
    return true;
  } finally {
    await client.query('RESET lock_timeout').catch(() => undefined);
    client.release();
  }
};
