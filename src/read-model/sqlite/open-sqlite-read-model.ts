import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ReadModel } from '../read-model.js';
import { openReadModelDb, type ReadModelDb } from '../read-model-db.js';
import { sqliteReadModelCatalog } from './catalog.js';
import { sqliteReadModelQueries } from './queries.js';
import { sqliteReadModelWrites } from './writes.js';

/** Tries of a purge's checkpoint, a short pause apart: another connection's commit or checkpoint can be under way. */
const PURGE_TRIES = 30;
const PURGE_PAUSE_MS = 100;

/**
 * After an erasure: secure_delete = ON zeroed the old rows and the pages they freed as the rewrite committed; their
 * old versions remain only as page images in the WAL, which a truncating checkpoint copies into the file and
 * empties to 0 bytes. It cannot while another connection writes or checkpoints (the runner's worker purging for the
 * same forget), so it tries again for a few seconds.
 */
const purge = async (db: ReadModelDb): Promise<boolean> => {
  for (let attempt = 1; ; attempt++) {
    const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (checkpoint === undefined || checkpoint.busy === 0) return true;
    if (attempt >= PURGE_TRIES) return false;
    await sleep(PURGE_PAUSE_MS);
  }
};

/** The embedded read model over one SQLite file (':memory:' for tests): the default, also beside EventStoreDB. */
export const openSqliteReadModel = (file: string): ReadModel => {
  const db = openReadModelDb(file);
  return {
    location: db.name,
    spillDir: db.memory ? tmpdir() : dirname(db.name),
    catalog: sqliteReadModelCatalog(db),
    writes: sqliteReadModelWrites(db),
    queries: sqliteReadModelQueries(db),
    purge: () => purge(db),
    close: async () => void db.close(),
  };
};
