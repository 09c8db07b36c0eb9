import pg from 'pg';

export type Sql = pg.Pool;
export type Client = pg.PoolClient;

/** bigint (int8) as a JS number: positions and microseconds stay below 2^53. */
const INT8 = 20;
const types = { getTypeParser: (oid: number, format?: 'text' | 'binary') => (oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) };

export const openPool = (url: string): Sql => new pg.Pool({ connectionString: url, types: types as pg.CustomTypesConfig, max: 8 });

/**
 * A statement with its parameters written in as literals (escaped by node-postgres), so that several statements go in
 * one simple query: one round trip, and one implicit transaction, all or nothing. Only for text parameters (array
 * literals included), each named `$n` once or more.
 */
export const inlined = (statement: string, params: readonly string[]): string =>
  statement.replace(/\$(\d+)/g, (_, n: string) => pg.escapeLiteral(params[Number(n) - 1] ?? ''));

/** Runs `work` in one transaction on one connection of the pool; rolls back on any error. */
export const inTransaction = async <A>(sql: Sql, work: (client: Client) => Promise<A>): Promise<A> => {
  const client = await sql.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
};

/** The address without its password (node-postgres also takes one as `?password=`), for logs, errors and erasure records. */
export const withoutPassword = (url: string): string => {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    parsed.searchParams.delete('password');
    return parsed.toString();
  } catch {
    return 'postgres (unparsable address)';
  }
};

/**
 * How long a change to what people read (a view re-pointed, a table rewritten) waits for a lock before it lets go of
 * its own, and how long it pauses before it tries again.
 */
export const LOCK_TIMEOUT = '500ms';
export const RETRY_PAUSE_MS = 1_000;
export const LOCK_NOT_AVAILABLE = '55P03';

/** The SQLSTATE a statement failed with (`55P03`, `42P01`, …); undefined for any other failure. */
export const sqlState = (error: unknown): unknown => (error instanceof Error && 'code' in error ? error.code : undefined);
