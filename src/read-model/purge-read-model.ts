import type { ReadModelDb } from './read-model-db.js';

/**
 * After an erasure has been applied: the read model's file keeps no copy of what the projections replaced.
 * secure_delete = ON zeroed the old rows and the pages they freed as the rewrite committed; their old versions remain
 * only as page images in the WAL, which a truncating checkpoint copies into the file and empties to 0 bytes. False
 * when another connection kept the WAL from being emptied (run the forget again).
 */
export const purgeReadModel = (db: ReadModelDb): boolean => {
  const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
  return checkpoint === undefined || checkpoint.busy === 0;
};
