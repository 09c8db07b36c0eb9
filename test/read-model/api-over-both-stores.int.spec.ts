import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../../src/server.js';
import { allExamples } from '../fixtures/reference-deliveries.js';
import { postDeliveries } from '../support/post-deliveries.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { serviceHarness } from '../support/service-harness.js';
import { makeTempDir } from '../support/temp-dir.js';

/** What a client reads: lookups, lists with filters, sorts and pages, facets, conversations, summaries. */
const URLS = [
  '/contacts?sort=name&include_deleted=true',
  '/contacts?sort=-updated_at&include_deleted=true&limit=1',
  '/contacts?status=ACTIVE&tag=VIP&include_deleted=true',
  '/contacts/facets?include_deleted=true',
  '/bookings?sort=-starts_at',
  '/bookings/facets',
  '/tickets?sort=created_at&priority=NORMAL',
  '/tickets/facets',
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

  /** Each page of a sorted list, forward to the end by next_cursor and back to the start by prev_cursor. */
  const walk = async (service: Service, url: string) => {
    const bodies: string[] = [];
    for (const direction of ['next_cursor', 'prev_cursor'] as const) {
      let cursor: string | null = direction === 'next_cursor' ? '' : (JSON.parse(bodies.at(-1) ?? '{}') as Record<string, string | null>)['prev_cursor'] ?? null;
      while (cursor !== null) {
        const body = (await service.app.inject({ method: 'GET', url: cursor === '' ? url : `${url}&cursor=${cursor}` })).body;
        bodies.push(body);
        cursor = (JSON.parse(body) as Record<string, string | null>)[direction] ?? null;
      }
    }
    return bodies;
  };

  const answers = async (service: Service) => ({
    reads: await Promise.all(URLS.map(async (url) => {
      const response = await service.app.inject({ method: 'GET', url });
      return { url, status: response.statusCode, body: response.body };
    })),
    walked: await walk(service, '/contacts?include_deleted=true&sort=-name&limit=1'),
  });

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
    expect(expected.reads.filter((answer) => answer.status === 200).length).toBeGreaterThan(10);
    expect(expected.walked.length).toBeGreaterThanOrEqual(3);
    expect(await answers(overPostgres)).toEqual(expected);
  });

  it('says where the read model is without its password', () => {
    expect(overPostgres.readModel.location).toContain(`schema ${schema.name}`);
  });
});
