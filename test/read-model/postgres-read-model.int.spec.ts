import { afterAll, describe } from 'vitest';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { describeReadModelContract } from './read-model.contract.js';

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('ReadModel contract suite on PostgreSQL');

describe.skipIf(!available)('PostgreSQL read model', () => {
  const schemas: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const drop of schemas.splice(0)) await drop();
  });
  describeReadModelContract('postgres', {
    open: async () => {
      const schema = freshSchema();
      schemas.push(schema.drop);
      return openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: schema.name });
    },
  });
});
