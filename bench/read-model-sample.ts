import { join } from 'node:path';
import Database from 'better-sqlite3';
import { readModelEntries } from '../src/read-model/sqlite/catalog.js';

/**
 * The contacts a get-by-id finds (200: present, not deleted), read from a data dir's read model before a server
 * opens it, so that a load asks only for what exists; and how many contacts the read model holds.
 */
export const contactIdsIn = (dataDir: string): { live: string[]; total: number } => {
  const db = new Database(join(dataDir, 'read-model.db'), { readonly: true });
  try {
    const table = readModelEntries(db).get('contacts')?.table_name;
    if (table === undefined) throw new Error(`${dataDir} has no contacts read model`);
    const live = db.prepare<[], string>(`SELECT key FROM ${table} WHERE view IS NOT NULL AND deleted = 0`).pluck().all();
    const total = db.prepare<[], number>(`SELECT COUNT(*) FROM ${table} WHERE view IS NOT NULL`).pluck().get() ?? 0;
    return { live, total };
  } finally {
    db.close();
  }
};
