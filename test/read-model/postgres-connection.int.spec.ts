import { afterAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/read-model/postgres/connection.js';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { freePort, startServerProcess } from '../support/server-process.js';
import { makeTempDir } from '../support/temp-dir.js';

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('the PostgreSQL connection: TLS options and the password');

const PASSWORD = 'pw-4f1c9e-never-shown';

/** The test server's address with a password in it (its trust authentication does not ask for one) and `options`. */
const withPassword = (options = ''): string => {
  const url = new URL(TEST_POSTGRES_URL);
  url.password = PASSWORD;
  return `${url.toString()}${options}`;
};

/** What a statement over a pool of this address answers, or the message it fails with. */
const answer = async (url: string): Promise<string> => {
  const pool = openPool(url);
  try {
    return String((await pool.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')).rows[0]?.ssl);
  } catch (error) {
    return (error as Error).message;
  } finally {
    await pool.end();
  }
};

describe.skipIf(!available)('the connection to PostgreSQL', () => {
  const dataDir = makeTempDir('pg-connection');
  const schema = freshSchema();
  afterAll(async () => {
    await schema.drop();
    dataDir.remove();
  });

  it('honours the TLS options of the address: sslmode=verify-full and no-verify insist on TLS, disable goes without', async () => {
    // The machines' server has no TLS: a client that requires it refuses to go on.
    expect(await answer(withPassword('?sslmode=verify-full'))).toMatch(/does not support SSL/);
    expect(await answer(withPassword('?sslmode=no-verify'))).toMatch(/does not support SSL/);
    expect(await answer(withPassword('?sslmode=disable'))).toBe('false');
  });

  it('never shows the password: not in the start-up log, /overview, /ready or /metrics', async () => {
    const server = await startServerProcess({
      DATA_DIR: dataDir.path,
      READ_MODEL_URL: withPassword('?sslmode=disable'),
      READ_MODEL_SCHEMA: schema.name,
      LOG_LEVEL: 'info',
    });
    try {
      const answers = await Promise.all(['/overview', '/ready', '/metrics'].map(async (path) => (await fetch(`${server.url}${path}`)).text()));
      expect(answers[0]).toContain('"projections"');
      expect(server.output()).toContain('"msg":"serving"');
      for (const text of [...answers, server.output()]) expect(text).not.toContain(PASSWORD);
    } finally {
      await server.stop('SIGTERM');
    }
    expect(server.output()).not.toContain(PASSWORD);
  });

  it('names the read model without its password, wherever the address holds it', async () => {
    const secondPassword = 'pw-in-the-query-0d2b';
    const readModel = await openPostgresReadModel({ url: withPassword(`?sslmode=disable&password=${secondPassword}`), schema: schema.name });
    try {
      expect(readModel.location).toContain(`(schema ${schema.name})`);
      for (const secret of [PASSWORD, secondPassword]) expect(readModel.location).not.toContain(secret);
    } finally {
      await readModel.close();
    }
  });

  it('never shows the password in the message a start that cannot reach PostgreSQL stops with', async () => {
    const unreachable = new URL(withPassword());
    unreachable.port = String(await freePort());
    const start = startServerProcess({ DATA_DIR: dataDir.path, READ_MODEL_URL: unreachable.toString(), READ_MODEL_SCHEMA: schema.name });
    const failure = await start.then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/cannot start: .*ECONNREFUSED/);
    expect(failure).not.toContain(PASSWORD);
  });
});
