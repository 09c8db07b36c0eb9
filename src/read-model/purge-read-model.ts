import type { ReadModelDb } from './read-model-db.js';

/**
 * After an erasure has been applied: the read model's file keeps no copy of what the projections replaced. The
 * truncating checkpoint empties the WAL (old row versions among its page images), VACUUM rebuilds the file without
 * free pages (old tables, freed rows), and a second checkpoint empties the WAL that VACUUM wrote through. False
 * when another connection kept the WAL from being emptied (run the forget again).
 */
export const purgeReadModel = (db: ReadModelDb): boolean => {
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('VACUUM');
  const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return checkpoint === undefined || checkpoint.busy === 0;
};
