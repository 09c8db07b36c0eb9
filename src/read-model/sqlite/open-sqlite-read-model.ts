import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import type { ReadModel } from '../read-model.js';
import { emptyWal } from '../../store/sqlite-wal.js';
import { openReadModelDb } from '../read-model-db.js';
import { ownedLease } from '../writer-lease.js';
import { sqliteReadModelCatalog } from './catalog.js';
import { sqliteReadModelQueries } from './queries.js';
import { sqliteReadModelWrites } from './writes.js';

/** The embedded read model over one SQLite file (':memory:' for tests): the default, also beside EventStoreDB. */
export const openSqliteReadModel = (file: string): ReadModel => {
  const db = openReadModelDb(file);
  return {
    location: db.name,
    spillDir: db.memory ? tmpdir() : dirname(db.name),
    catalog: sqliteReadModelCatalog(db),
    writes: sqliteReadModelWrites(db),
    queries: sqliteReadModelQueries(db),
    writerLease: ownedLease,
    purge: () => emptyWal(db),
    close: async () => void db.close(),
  };
};
