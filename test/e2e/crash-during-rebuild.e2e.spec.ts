import { execFile, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { openReadModelDb } from '../../src/read-model/read-model-db.js';
import { readModelEntries } from '../../src/read-model/sqlite/catalog.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { catchUp } from '../../src/runner/catch-up.js';
import { verifyReadModel } from '../../src/runner/verify.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { eventually } from '../support/eventually.js';
import { fillStore } from '../support/fill-store.js';
import { makeTempDir } from '../support/temp-dir.js';

const cli = (dataDir: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, DATA_DIR: dataDir } });

/** A look at the file as a killed process left it (the SQLite adapter's own tables). */
const inspect = <A>(dataDir: string, read: (db: ReturnType<typeof openReadModelDb>) => A): A => {
  const db = openReadModelDb(join(dataDir, 'read-model.db'));
  try {
    return read(db);
  } finally {
    db.close();
  }
};

const verify = async (dataDir: string) => {
  const store = openSqliteEventStore(join(dataDir, 'events.db'));
  const db = openSqliteReadModel(join(dataDir, 'read-model.db'));
  try {
    return await verifyReadModel({ store, readModel: db, projections });
  } finally {
    await store.close();
    await db.close();
  }
};

describe('a rebuild killed with SIGKILL', () => {
  const dir = makeTempDir('rebuild-kill');
  let events = 0;

  beforeAll(async () => {
    const store = openSqliteEventStore(join(dir.path, 'events.db'));
    const db = openSqliteReadModel(join(dir.path, 'read-model.db'));
    try {
      events = await fillStore(store, 2000);
      await catchUp({ store, readModel: db, projections });
    } finally {
      await store.close();
      await db.close();
    }
  });
  afterAll(() => dir.remove());

  it('leaves the live view untouched, and the next rebuild completes', async () => {
    const liveBefore = inspect(dir.path, (db) => [...readModelEntries(db).values()].map((e) => [e.name, e.table_name, e.position]));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'rebuild', '--working-set', '500'], {
      env: { ...process.env, DATA_DIR: dir.path },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      // Kill it once it is visibly part-way: rows written to a scratch table whose checkpoint has not moved yet.
      const partway = await eventually(
        'the rebuild is part-way',
        () =>
          inspect(dir.path, (db) =>
            db
              .prepare<[], { table_name: string }>("SELECT table_name FROM rebuilds WHERE purpose = 'rebuild' AND position = 0")
              .all()
              .some(({ table_name }) => db.prepare<[], { n: number }>(`SELECT COUNT(*) AS n FROM ${table_name}`).get()?.n !== 0),
          ) || undefined,
        30_000,
      );
      expect(partway).toBe(true);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }

    const spillDirs = () => readdirSync(dir.path).filter((name) => name.startsWith('.skylight-fold-'));
    // Killed while folding: its spill files are still there.
    expect(spillDirs()).toHaveLength(1);
    const liveAfter = inspect(dir.path, (db) => [...readModelEntries(db).values()].map((e) => [e.name, e.table_name, e.position]));
    expect(liveAfter).toEqual(liveBefore);
    expect((await verify(dir.path)).matches).toBe(true);

    const { stdout } = await cli(dir.path, 'rebuild', '--json');
    expect(JSON.parse(stdout)).toMatchObject({ events, position: events });
    const tables = inspect(dir.path, (db) => ({
      rebuilds: db.prepare('SELECT COUNT(*) AS n FROM rebuilds').get(),
      readModelTables: db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name LIKE 'rm\\_%' ESCAPE '\\'").get(),
      live: [...readModelEntries(db).values()].map((e) => e.table_name),
    }));
    expect(tables.rebuilds).toEqual({ n: 0 });
    expect(tables.readModelTables).toEqual({ n: projections.length });
    expect(tables.live).not.toEqual(liveBefore.map(([, table]) => table));
    // The killed rebuild's spill files went with the next one.
    expect(spillDirs()).toEqual([]);
    expect((await verify(dir.path)).matches).toBe(true);
  }, 120_000);
});
