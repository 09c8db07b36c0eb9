import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import type { ReadModel } from '../read-model.js';
import { openReadModelDb, type ReadModelDb } from '../read-model-db.js';
import { sqliteReadModelCatalog } from './catalog.js';
import { sqliteReadModelQueries } from './queries.js';
import { sqliteReadModelWrites } from './writes.js';

/**
 * After an erasure: secure_delete = ON zeroed the old rows and the pages they freed as the rewrite committed; their
 * old versions remain only as page images in the WAL, which a truncating checkpoint copies into the file and
 * empties to 0 bytes.
 */
const purge = (db: ReadModelDb): boolean => {
  const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return checkpoint === undefined || checkpoint.busy === 0;
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
    purge: async () => purge(db),
    close: async () => void db.close(),
  };
};
