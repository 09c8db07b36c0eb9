import { setTimeout as sleep } from 'node:timers/promises';
import type Database from 'better-sqlite3';

/** Tries of the checkpoint, a short pause apart: another connection's commit, read or checkpoint can be under way. */
const TRIES = 30;
const PAUSE_MS = 100;

/**
 * After an erasure: secure_delete = ON zeroed what a rewrite replaced, in its page and in pages it freed, as it
 * committed; the old versions remain only as page images in the WAL, which a truncating checkpoint copies into the
 * file and empties to 0 bytes. (No VACUUM: it held the write lock for seconds on a large file, and found nothing
 * the checkpoint had not.) False when other connections kept the WAL from being emptied for a few seconds: its bytes
 * are still there. SQLite's own failures (busy, full, read-only) are thrown, for the caller to report.
 */
export const emptyWal = async (db: Database.Database): Promise<boolean> => {
  for (let attempt = 1; ; attempt++) {
    const [checkpoint] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (checkpoint === undefined || checkpoint.busy === 0) return true;
    if (attempt >= TRIES) return false;
    await sleep(PAUSE_MS);
  }
};
