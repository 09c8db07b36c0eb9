import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { contactsProjection, projections } from '../../projections/registry.js';
import { openPostgresReadModel } from '../../src/read-model/postgres/open-postgres-read-model.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import type { LeaseChange, WriterLease } from '../../src/read-model/writer-lease.js';
import { catchUp } from '../../src/runner/catch-up.js';
import { startRunner, type Runner } from '../../src/runner/runner.js';
import type { OpenedStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { eventually } from '../support/eventually.js';
import { fillStore } from '../support/fill-store.js';
import { differencesFromFold } from '../support/read-model-against-fold.js';
import { freshSchema, postgresAnswers, skippedWithoutPostgres, TEST_POSTGRES_URL } from '../support/postgres.js';
import { makeTempDir } from '../support/temp-dir.js';

const available = await postgresAnswers();
if (!available) skippedWithoutPostgres('the writer lease on a shared PostgreSQL read model');

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Ends the session holding the writer's lock from the server's side, as PostgreSQL does when the holder's process dies. */
const endHoldersSession = async (schema: string): Promise<number> => {
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ ended: boolean }>(
      `SELECT pg_terminate_backend(l.pid) AS ended FROM pg_locks l
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND ((l.classid::bigint << 32) | l.objid::bigint) = (hashtext($1)::bigint & x'ffffffffffffffff'::bigint)`,
      [`skylight-writer:${schema}`],
    );
    return rows.length;
  } finally {
    await admin.end();
  }
};

describe.skipIf(!available)('the writer lease on a PostgreSQL read model several nodes share', () => {
  let schema: ReturnType<typeof freshSchema>;
  let readModels: ReadModel[] = [];
  let leases: WriterLease[] = [];
  const open = async () => {
    const readModel = await openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: schema.name });
    readModels.push(readModel);
    return readModel;
  };
  const lease = (readModel: ReadModel) => {
    const made = readModel.writerLease();
    leases.push(made);
    return made;
  };

  beforeEach(() => {
    schema = freshSchema();
  });
  afterEach(async () => {
    await Promise.all(leases.map((each) => each.release()));
    await Promise.all(readModels.map((each) => each.close()));
    leases = [];
    readModels = [];
    await schema.drop();
  });

  it('is held by one at a time: a second is refused while the first holds it, and taken once it is released', async () => {
    const readModel = await open();
    const [first, second] = [lease(readModel), lease(readModel)] as const;
    expect(await first.acquire()).toBe(true);
    expect(await first.acquire()).toBe(true);
    expect(await second.acquire()).toBe(false);
    await first.release();
    expect(await second.acquire()).toBe(true);
    expect(await first.acquire()).toBe(false);
  });

  it('is one per schema: read models in two schemas of one database each have their own writer', async () => {
    const other = freshSchema();
    try {
      const mine = lease(await open());
      const theirs = lease(await openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: other.name }).then((readModel) => (readModels.push(readModel), readModel)));
      expect(await mine.acquire()).toBe(true);
      expect(await theirs.acquire()).toBe(true);
    } finally {
      await Promise.all(leases.map((each) => each.release()));
      await other.drop();
    }
  });

  it('tells a holder whose session ended that it lost the lease, and lets the next one in', async () => {
    const readModel = await open();
    const [holder, next] = [lease(readModel), lease(readModel)] as const;
    const changes: LeaseChange[] = [];
    holder.onChange((change) => changes.push(change));
    expect(await holder.acquire()).toBe(true);
    expect(await next.acquire()).toBe(false);
    expect(await endHoldersSession(schema.name)).toBe(1);
    await eventually('the holder is told', () => (changes.includes('lost') ? true : undefined));
    expect(await next.acquire()).toBe(true);
    // The one that lost it tries again like any other node, on a new session.
    expect(await holder.acquire()).toBe(false);
  });

  it('in a rolling upgrade, lets an older node neither write into nor rebuild back the table of a newer version', async () => {
    const readModel = await open();
    const newer = projections.map((p) => (p.name === 'contacts' ? { ...p, version: p.version + 1 } : p));
    await readModel.catalog.ensure(newer, '2026-03-05T00:00:00.000Z');
    expect(await readModel.catalog.outdated(projections)).toEqual([]);
    expect((await readModel.catalog.liveTargets(projections)).map((target) => target.projection.name)).not.toContain('contacts');
    expect((await readModel.catalog.liveTargets(newer)).map((target) => target.projection.name)).toContain('contacts');

    const older = freshSchema();
    try {
      const olderModel = await openPostgresReadModel({ url: TEST_POSTGRES_URL, schema: older.name });
      readModels.push(olderModel);
      await olderModel.catalog.ensure(projections, '2026-03-05T00:00:00.000Z');
      expect((await olderModel.catalog.outdated(newer)).map((p) => `${p.name} v${p.version}`)).toEqual([`contacts v${contactsProjection.version + 1}`]);
    } finally {
      await older.drop();
    }
  });

  describe('two live loops over one log and one read model', () => {
    let dir: ReturnType<typeof makeTempDir>;
    let store: OpenedStore;
    let runners: Runner[] = [];
    beforeEach(() => {
      dir = makeTempDir('writer-lease');
      store = openSqliteEventStore(join(dir.path, 'events.db'));
    });
    afterEach(async () => {
      await Promise.all(runners.map((runner) => runner.stop()));
      runners = [];
      await store.close();
      dir.remove();
    });
    const start = (readModel: ReadModel) => {
      const runner = startRunner({ store, readModel, projections, log: silent });
      runners.push(runner);
      return runner;
    };

    it("one applies the log, the other stands by and follows the writer's checkpoints; when the writer's session ends, one of them writes again", async () => {
      const a = start(await open());
      await a.writing;
      const b = start(await open());
      await b.started;
      expect([a.role(), b.role()]).toEqual(['writer', 'standby']);

      const first = await fillStore(store, 20, 1);
      expect(await b.waitFor(first, 10_000)).toBe(true);
      expect(b.role()).toBe('standby');

      expect(await endHoldersSession(schema.name)).toBe(1);
      const head = first + (await fillStore(store, 20, 2));
      expect(await a.waitFor(head, 10_000)).toBe(true);
      expect(await b.waitFor(head, 10_000)).toBe(true);
      expect([a.role(), b.role()].sort()).toEqual(['standby', 'writer']);

      const { compared, differences } = await differencesFromFold(store, await open());
      expect(compared).toBeGreaterThan(20);
      expect(differences).toEqual([]);
      // A catch-up finds nothing left to apply and every checkpoint at the head.
      expect(await catchUp({ store, readModel: await open(), projections, writerWaitMs: 10_000 })).toEqual({ events: 0, position: head, head });
    });

    it('a catch-up beside a writer applies nothing itself: it waits for the writer, and says how far it got when that takes too long', async () => {
      const writer = start(await open());
      await writer.writing;
      const head = await fillStore(store, 10, 3);
      const readModel = await open();
      expect(await catchUp({ store, readModel, projections, writerWaitMs: 10_000 })).toEqual({ events: 0, position: head, head });

      await writer.stop();
      // A writer that holds the lease and applies nothing: the catch-up gives up at its deadline and says so.
      const stuck = lease(readModel);
      expect(await stuck.acquire()).toBe(true);
      const more = head + (await fillStore(store, 5, 4));
      expect(await catchUp({ store, readModel, projections, writerWaitMs: 300 })).toEqual({ events: 0, position: head, head: more });
    });
  });
});
