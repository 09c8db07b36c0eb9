import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('a read model in a schema a DBA made');

describe.skipIf(!available)('a read model in a schema made for the service', () => {
  const schema = freshSchema();
  const role = `skylight_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  afterAll(async () => {
    await schema.drop();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('opens with a user who owns the schema and may not create any in the database', async () => {
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN; CREATE SCHEMA ${schema.name} AUTHORIZATION ${role}`);
    const url = new URL(TEST_POSTGRES_URL);
    url.username = role;
    const readModel = await openPostgresReadModel({ url: url.toString(), schema: schema.name });
    try {
      await readModel.catalog.ensure(projections, '2026-03-05T00:00:00.000Z');
      expect((await readModel.catalog.entries()).map((e) => e.name).sort()).toEqual(projections.map((p) => p.name).sort());
      const { rows } = await admin.query<{ allowed: boolean }>(`SELECT has_database_privilege($1, current_database(), 'CREATE') AS allowed`, [role]);
      expect(rows).toEqual([{ allowed: false }]);
    } finally {
      await readModel.close();
    }
  });
});
