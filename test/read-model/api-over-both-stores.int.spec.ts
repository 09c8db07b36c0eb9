import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { allExamples } from '../fixtures/reference-deliveries.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

/** What a client reads: lookups, lists with filters and pages, conversations, summaries. */
const URLS = [
  '/contacts/42',
  '/contacts/77',
  '/contacts?include_deleted=true',
  '/contacts?include_deleted=true&limit=1',
  '/contacts?tag=vip&include_deleted=true',
  '/contacts?q=sarah&include_deleted=true&with_summary=true',
  '/contacts/42/summary',
  '/contacts/42/conversation',
  '/bookings?status=cancelled',
  '/bookings?contact_id=42',
  '/bookings/101',
  '/tickets?priority=normal',
  '/tickets/55',
  '/contacts/999',
];

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('the API over the PostgreSQL read model');

describe.skipIf(!available)('the API over the PostgreSQL read model', () => {
  const sqliteDir = makeTempDir('api-sqlite');
  const postgresDir = makeTempDir('api-postgres');
  const schema = freshSchema();
  let overSqlite: Service;
  let overPostgres: Service;

  const answers = async (service: Service) =>
    Promise.all(URLS.map(async (url) => {
      const response = await service.app.inject({ method: 'GET', url });
      return { url, status: response.statusCode, body: response.body };
    }));

  beforeAll(async () => {
    overSqlite = await serviceHarness(sqliteDir.path);
    overPostgres = await serviceHarness(postgresDir.path, { READ_MODEL_URL: TEST_POSTGRES_URL, READ_MODEL_SCHEMA: schema.name });
    for (const service of [overSqlite, overPostgres]) {
      const position = await postDeliveries(service.app, allExamples);
      expect(await service.runner.waitFor(position, 20_000)).toBe(true);
    }
  }, 60_000);
  afterAll(async () => {
    await overSqlite?.close();
    await overPostgres?.close();
    await schema.drop();
    sqliteDir.remove();
    postgresDir.remove();
  });

  it('answers every read byte for byte as over the embedded read model', async () => {
    const expected = await answers(overSqlite);
    expect(expected.filter((answer) => answer.status === 200).length).toBeGreaterThan(10);
    expect(await answers(overPostgres)).toEqual(expected);
  });

  it('says where the read model is without its password', () => {
    expect(overPostgres.readModel.location).toContain(`schema ${schema.name}`);
  });
});
