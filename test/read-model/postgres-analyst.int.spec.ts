import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { docSqlAfter } from './postgres-doc-sql.js';

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('the analyst role of docs/postgresql.md');

const INSUFFICIENT_PRIVILEGE = '42501';
const READ_ONLY_TRANSACTION = '25006';

describe.skipIf(!available)('the read-only role of docs/postgresql.md', () => {
  const schema = freshSchema();
  const role = `analyst_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  let readModel: ReadModel;
  let analyst: pg.Client;

  /** What the analyst's statement failed with; undefined when it succeeded. */
  const refusal = async (sql: string): Promise<string | undefined> =>
    analyst.query(sql).then(
      () => undefined,
      (error: { code?: string }) => error.code,
    );

  beforeAll(async () => {
    readModel = await openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: schema.name });
    await readModel.catalog.ensure(projections, '2026-03-05T00:00:00.000Z');
    await admin.connect();
    // The docs' statements, as an administrator runs them, for a role of this run's own.
    await admin.query(docSqlAfter('## A read-only role for analysts', schema.name).replace(/\banalyst\b/g, role));
    // The machines' server trusts local connections, so the role logs in by name.
    const url = new URL(TEST_POSTGRES_URL);
    url.username = role;
    analyst = new pg.Client({ connectionString: url.toString() });
    await analyst.connect();
  });
  afterAll(async () => {
    await analyst?.end();
    await readModel?.close();
    await schema.drop();
    await admin.query(`DROP OWNED BY ${role}`).catch(() => undefined);
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.end();
  });

  it('reads every view', async () => {
    for (const view of ['contacts', 'bookings', 'tickets', 'messages']) expect(await refusal(`SELECT * FROM ${schema.name}.${view}`)).toBeUndefined();
  });

  it('reads neither the tables behind the views nor the catalog', async () => {
    const tables = (await readModel.catalog.entries()).map((e) => e.table_name);
    expect(tables.length).toBe(projections.length);
    for (const table of [...tables, 'read_models', 'log_identity']) expect(await refusal(`SELECT * FROM ${schema.name}.${table}`)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('cannot write through a view, even outside its read-only default', async () => {
    await analyst.query('SET default_transaction_read_only = off');
    expect(await refusal(`INSERT INTO ${schema.name}.contacts (id, key) VALUES (1, '1')`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await refusal(`UPDATE ${schema.name}.tickets SET status = 'closed'`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await refusal(`DELETE FROM ${schema.name}.bookings`)).toBe(INSUFFICIENT_PRIVILEGE);
    await analyst.query('RESET default_transaction_read_only');
    expect(await refusal(`CREATE TABLE ${schema.name}.mine (x int)`)).toBe(READ_ONLY_TRANSACTION);
  });

  it('keeps its grants across a rebuild that swaps the tables under the views', async () => {
    const scratch = await readModel.catalog.createScratch(projections, 'rebuild', '2026-03-05T00:00:00.000Z');
    await readModel.catalog.swapIn(scratch, '2026-03-05T00:00:01.000Z');
    expect((await readModel.catalog.entries()).map((e) => e.table_name).sort()).toEqual(scratch.map((t) => t.tableName).sort());
    expect(await refusal(`SELECT * FROM ${schema.name}.contacts`)).toBeUndefined();
    expect(await refusal(`SELECT * FROM ${schema.name}.${scratch[0]?.tableName ?? ''}`)).toBe(INSUFFICIENT_PRIVILEGE);
  });
});
