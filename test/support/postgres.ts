import { randomUUID } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL suites use: the machines' own (trust authentication), or TEST_POSTGRES_URL. */
export const TEST_POSTGRES_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Whether a PostgreSQL server answers. In CI it must (`.ci/run` makes sure of it): a missing one fails there rather
 * than passing by being skipped.
 */
export const postgresAnswers = async (): Promise<boolean> => {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (error) {
    if (process.env['CI'] !== undefined) throw new Error(`CI: no PostgreSQL answers at ${TEST_POSTGRES_URL}: ${String(error)}`);
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

export const skippedWithoutPostgres = (suite: string): void =>
  console.warn(`SKIPPED: ${suite} (no PostgreSQL at ${TEST_POSTGRES_URL}; start one, e.g. sudo pg_ctlcluster 15 main start, or set TEST_POSTGRES_URL)`);

/** A schema of its own for one test (or bench run), and the statement that drops it. */
export const freshSchema = (prefix = 't'): { readonly name: string; readonly drop: () => Promise<void> } => {
  const name = `${prefix}_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  return {
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await client.end();
      }
    },
  };
};
