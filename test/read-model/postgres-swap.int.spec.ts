import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldEvents } from '../../projections/fold.js';
import { projections } from '../../projections/registry.js';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { allExamples } from '../fixtures/reference-deliveries.js';
import { eventually } from '../support/eventually.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { projectedDelivery } from '../support/projected-event.js';

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('rebuilds under the PostgreSQL views');

const now = '2026-03-05T00:00:00.000Z';
const events = allExamples.map(projectedDelivery);

describe.skipIf(!available)('rebuilds swapped under the PostgreSQL views', () => {
  const schema = freshSchema();
  const readers = new pg.Pool({ connectionString: TEST_POSTGRES_URL, max: 4 });
  let readModel: ReadModel;
  let expected: Record<string, number>;
  const counts = async (client: pg.Pool | pg.PoolClient = readers) => {
    const { rows } = await client.query<{ contacts: number; bookings: number; tickets: number; messages: number }>(
      `SELECT (SELECT count(*)::int FROM ${schema.name}.contacts) AS contacts, (SELECT count(*)::int FROM ${schema.name}.bookings) AS bookings,
              (SELECT count(*)::int FROM ${schema.name}.tickets) AS tickets, (SELECT count(*)::int FROM ${schema.name}.messages) AS messages`,
    );
    return rows[0];
  };
  /** A rebuild of every projection from the reference examples: fresh tables filled beside the live ones, swapped in. */
  const rebuild = async () => {
    const scratch = await readModel.catalog.createScratch(projections, 'rebuild', now);
    for (const target of scratch) await readModel.writes.fill(target, foldEvents(target.projection, events));
    return readModel.catalog.swapIn(scratch, now);
  };

  beforeAll(async () => {
    readModel = await openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: schema.name });
    await readModel.catalog.ensure(projections, now);
    await rebuild();
    expected = { contacts: 2, bookings: 2, tickets: 1, messages: 3 };
    expect(await counts()).toEqual(expected);
  });
  afterAll(async () => {
    await readers.end();
    await readModel?.close();
    await schema.drop();
  });

  it('never fails a reader of the views, who sees every row before and after each swap', async () => {
    let rebuilding = true;
    const seen: unknown[] = [];
    const reader = async () => {
      while (rebuilding) seen.push(await counts());
    };
    const reading = Promise.all([reader(), reader(), reader()]);
    for (let swap = 0; swap < 5; swap++) await rebuild();
    rebuilding = false;
    await reading;
    expect(seen.length).toBeGreaterThan(5);
    expect(seen.filter((answer) => JSON.stringify(answer) !== JSON.stringify(expected))).toEqual([]);
  });

  it("waits for a person's long query instead of making the other readers wait behind it", async () => {
    const longQuery = await readers.connect();
    const otherReader = await readers.connect();
    try {
      await longQuery.query('BEGIN');
      await counts(longQuery);
      let swapped = false;
      const swap = rebuild().then(() => (swapped = true));
      await eventually('the swap waits for the lock of a view', async () => {
        const { rows } = await otherReader.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'CREATE OR REPLACE VIEW%'");
        return rows.length > 0 ? true : undefined;
      });
      // Without the swap's lock_timeout this read would queue behind it until the long query ends.
      await otherReader.query("SET statement_timeout = '3s'");
      expect(await counts(otherReader)).toEqual(expected);
      expect(swapped).toBe(false);
      await longQuery.query('COMMIT');
      await swap;
      expect(await counts(otherReader)).toEqual(expected);
    } finally {
      longQuery.release();
      otherReader.release();
    }
  });

  it("empties the views when the read model is forgotten, keeping people's own views over them", async () => {
    await readers.query(`CREATE VIEW ${schema.name}.vip_count AS SELECT count(*)::int AS n FROM ${schema.name}.contacts WHERE 'vip' = ANY (tags)`);
    await readModel.catalog.forgetAll();
    expect(await counts()).toEqual({ contacts: 0, bookings: 0, tickets: 0, messages: 0 });
    await readModel.catalog.ensure(projections, now);
    await rebuild();
    expect(await counts()).toEqual(expected);
    expect((await readers.query(`SELECT n FROM ${schema.name}.vip_count`)).rows).toEqual([{ n: 1 }]);
  });

  it('gives a read model made before the views its views at the next start', async () => {
    await readers.query(`DROP VIEW ${schema.name}.vip_count; DROP VIEW ${schema.name}.contacts; DROP VIEW ${schema.name}.messages`);
    await readModel.catalog.ensure(projections, now);
    expect(await counts()).toEqual(expected);
  });
});
