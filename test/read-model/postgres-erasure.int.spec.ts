import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { nestedExamples } from '../fixtures/reference-deliveries.js';
import { forgetOverHttp } from '../support/forget-over-http.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { serviceOverPostgres } from '../support/service-over-postgres.js';

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('erasure in the PostgreSQL read model');

const TOKEN = 'pg-erasure-token-0123456789-abcdefghij';

describe.skipIf(!available)('forgetting a contact whose read model is in PostgreSQL', () => {
  let filesBefore: string[];
  const { schema, client, service } = serviceOverPostgres('pg-erasure', {
    env: { API_TOKEN: TOKEN },
    seed: async (started) => {
      expect(await started.runner.waitFor(await postDeliveries(started.app, nestedExamples), 20_000)).toBe(true);
      filesBefore = await files();
      const forget = await forgetOverHttp(started.app, TOKEN, '42', { reason: 'erasure request' });
      expect(forget.job?.outcome).toMatchObject({ status: 'erased', read_model_purged: true });
    },
  });
  const tables = async () => (await client.query<{ table_name: string }>(`SELECT table_name FROM ${schema.name}.read_models ORDER BY name`)).rows.map((r) => r.table_name);
  /** Each table's file on disk: a rewrite gives it a new one. */
  const files = async () => {
    const { rows } = await client.query<{ file: string }>(`SELECT pg_relation_filenode(format('%I.%I', $1::text, t))::text AS file FROM unnest($2::text[]) AS t`, [schema.name, await tables()]);
    return rows.map((r) => r.file);
  };

  it('shows the personal fields redacted in every view', async () => {
    const s = schema.name;
    expect((await client.query(`SELECT name, email, phone, extra ? 'forgotten' AS forgotten FROM ${s}.contacts WHERE id = 42`)).rows).toEqual([
      { name: '[redacted]', email: '[redacted]', phone: '[redacted]', forgotten: true },
    ]);
    expect((await client.query(`SELECT DISTINCT content FROM ${s}.messages WHERE contact_id = 42`)).rows).toEqual([{ content: '[redacted]' }]);
    expect((await client.query(`SELECT title FROM ${s}.bookings WHERE id = 101`)).rows).toEqual([{ title: '[redacted]' }]);
    expect((await client.query(`SELECT subject FROM ${s}.tickets WHERE id = 55`)).rows).toEqual([{ subject: '[redacted]' }]);
  });

  it('keeps her deliveries in the delivery log, which holds none of their values', async () => {
    const { rows } = await client.query<{ event: string }>(`SELECT event FROM ${schema.name}.deliveries WHERE entity = 'contact-42' ORDER BY received_at`);
    expect(rows.map((r) => r.event)).toEqual(expect.arrayContaining(['contact.created', 'contact.updated']));
  });

  it('keeps no row of any table with the values, and has rewritten every table', async () => {
    for (const table of await tables()) {
      const { rows } = await client.query(`SELECT key FROM ${schema.name}.${table} WHERE view LIKE '%Sarah%' OR state LIKE '%Sarah%' OR view LIKE '%sarah@%'`);
      expect(rows, table).toEqual([]);
    }
    const filesAfter = await files();
    filesAfter.forEach((file, index) => expect(file).not.toBe(filesBefore[index]));
  });

  it("says the purge could not be made sure of while a person's query holds a table, and does it once the query ends", async () => {
    const analyst = new pg.Client({ connectionString: TEST_POSTGRES_URL });
    await analyst.connect();
    try {
      await analyst.query('BEGIN');
      await analyst.query(`SELECT count(*) FROM ${schema.name}.contacts`);
      expect(await service().readModel.purge()).toBe(false);
      await analyst.query('COMMIT');
      expect(await service().readModel.purge()).toBe(true);
    } finally {
      await analyst.end();
    }
  }, 30_000);
});
