import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { ensureReadModels, readModelEntries } from '../../src/read-model/sqlite/catalog.js';
import { openReadModelDb, type ReadModelDb } from '../../src/read-model/read-model-db.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = '2026-03-04T12:00:00.000Z';

/** Runs `meanwhile` once, just after `db` first reads the catalog: another connection's step in between. */
const interleaved = (db: ReadModelDb, meanwhile: () => void): void => {
  const prepare = db.prepare.bind(db);
  let done = false;
  db.prepare = ((source: string) => {
    const statement = prepare(source);
    if (done || !source.includes('FROM read_models')) return statement;
    done = true;
    const all = statement.all.bind(statement);
    statement.all = (...params: unknown[]) => {
      const rows = all(...params);
      meanwhile();
      return rows;
    };
    return statement;
  }) as typeof db.prepare;
};

const isBusy = (error: unknown) => error instanceof Error && 'code' in error && error.code === 'SQLITE_BUSY';

describe('creating the catalog rows', () => {
  const dbs: ReadModelDb[] = [];
  const dir = makeTempDir('catalog');
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });
  afterAll(() => dir.remove());

  it('two connections (the server thread and a runner worker) both making sure of the rows create each row once', () => {
    const file = join(dir.path, 'read-model.db');
    const server = openReadModelDb(file);
    const worker = openReadModelDb(file);
    dbs.push(server, worker);
    // The worker does not wait for the lock here, or this one thread would wait for itself; it tries again after.
    worker.pragma('busy_timeout = 0');
    interleaved(server, () => {
      try {
        ensureReadModels(worker, projections, now);
      } catch (error) {
        if (!isBusy(error)) throw error;
      }
    });

    ensureReadModels(server, projections, now);
    ensureReadModels(worker, projections, now);

    expect([...readModelEntries(server).keys()].sort()).toStrictEqual(projections.map((p) => p.name).sort());
  });
});
