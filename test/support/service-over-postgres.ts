import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import type { Service } from '../../src/server.js';
import { freshSchema, TEST_POSTGRES_URL } from './postgres.js';
import { serviceHarness } from './service-harness.js';
import { makeTempDir } from './temp-dir.js';

export type ServiceOverPostgres = {
  readonly schema: { readonly name: string };
  /** A connection of the suite's own to the database, as a person querying the views would have. */
  readonly client: pg.Client;
  readonly service: () => Service;
};

/**
 * A service whose read model is a fresh schema of the test server, and a client of that database, for the specs of a
 * describe block (call it there: it registers the block's hooks). `seed` runs once both are up; the service is
 * closed, the schema dropped and the data directory removed also when a test or the seeding fails.
 */
export const serviceOverPostgres = (
  label: string,
  { env = {}, seed }: { readonly env?: Record<string, string>; readonly seed: (service: Service, client: pg.Client) => Promise<void> },
): ServiceOverPostgres => {
  const dataDir = makeTempDir(label);
  const schema = freshSchema();
  const client = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  let service: Service | undefined;

  beforeAll(async () => {
    service = await serviceHarness(dataDir.path, { READ_MODEL_URL: TEST_POSTGRES_URL, READ_MODEL_SCHEMA: schema.name, ...env });
    await client.connect();
    await seed(service, client);
  }, 60_000);
  afterAll(async () => {
    await client.end();
    await service?.close();
    await schema.drop();
    dataDir.remove();
  });

  return {
    schema,
    client,
    service: () => {
      if (service === undefined) throw new Error('the service is not started yet');
      return service;
    },
  };
};
