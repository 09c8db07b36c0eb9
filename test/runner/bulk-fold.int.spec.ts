import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import { createScratchTargets, dropScratchTargets, type ProjectionTarget } from '../../src/read-model/read-model-catalog.js';
import { openReadModelDb, type ReadModelDb } from '../../src/read-model/read-model-db.js';
import { bulkFold } from '../../src/runner/bulk-fold.js';
import { foldLog } from '../../src/runner/fold-log.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { fillStore } from '../support/fill-store.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = () => new Date('2026-11-27T00:00:00Z');

type Row = { key: string; state: string; view: string | null };
const rowsOf = (db: ReadModelDb, table: string): Row[] =>
  db.prepare<[], Row>(`SELECT key, state, view FROM ${table} ORDER BY key`).all();

const spillDirs = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.skylight-fold-'));

describe('bulkFold: the log folded by buckets of entities instead of in order', () => {
  const dir = makeTempDir('bulk-fold');
  let store: EventStore;
  let db: ReadModelDb;
  let head = 0;
  // Folded in log order, one event after the other: what bulkFold must reproduce.
  let inOrder: ProjectionTarget[] = [];

  beforeAll(async () => {
    store = openSqliteEventStore(join(dir.path, 'events.db'));
    db = openReadModelDb(join(dir.path, 'read-model.db'));
    await fillStore(store, 300, 7);
    // Stored when it was valid; the schema no longer reads it (an upcaster gap): skipped, not fatal.
    await store.append('contact-unreadable', [{ id: 'a4f3c2b1-0000-5000-8000-000000000001', type: 'contact.updated', data: { contact: { id: { nested: true } } }, metadata: {} }]);
    await fillStore(store, 40, 8);
    const position = await store.headPosition();
    head = position._tag === 'Right' ? position.right : 0;
    const scratch = createScratchTargets(db, projections, 'verify', now().toISOString());
    inOrder = [...(await foldLog({ store, db, targets: scratch, until: head, now, workingSet: 1 })).targets];
    // Keep those tables under other names: the next scratch tables take the same ones.
    inOrder = inOrder.map((target) => {
      const kept = `${target.tableName}_in_order`;
      db.exec(`ALTER TABLE ${target.tableName} RENAME TO ${kept}`);
      db.prepare('DELETE FROM rebuilds WHERE table_name = ?').run(target.tableName);
      return { ...target, tableName: kept };
    });
    db.exec('DELETE FROM skipped_events');
  }, 60_000);
  afterAll(async () => {
    await store.close();
    db.close();
    dir.remove();
  });

  it('gives the rows of the in-order fold, with many buckets and groups (a tiny working set)', async () => {
    const scratch = createScratchTargets(db, projections, 'rebuild', now().toISOString());
    const progress: number[] = [];
    try {
      const result = await bulkFold({ store, db, targets: scratch, until: head, now, workingSet: 50, onProgress: (done) => progress.push(done) });
      expect(result.events).toBe(head);
      expect(result.targets.map((t) => t.position)).toEqual(projections.map(() => head));
      for (const [index, target] of result.targets.entries()) {
        const expected = rowsOf(db, inOrder[index]?.tableName ?? '');
        expect(expected.length).toBeGreaterThan(30);
        expect(rowsOf(db, target.tableName)).toEqual(expected);
      }
      const checkpoints = db.prepare<[], { position: number }>("SELECT position FROM rebuilds WHERE purpose = 'rebuild'").all();
      expect(checkpoints).toEqual(projections.map(() => ({ position: head })));
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(head);
      expect(db.prepare('SELECT type, reason FROM skipped_events').all()).toEqual([
        { type: 'contact.updated', reason: expect.stringContaining('contact.id') },
      ]);
      expect(spillDirs(dir.path)).toEqual([]);
    } finally {
      dropScratchTargets(db, scratch);
    }
  });

  it('gives the same rows folding in memory when the log fits the working set, and spills nothing', async () => {
    const scratch = createScratchTargets(db, projections, 'rebuild', now().toISOString());
    const spillsSeen: string[][] = [];
    try {
      const result = await bulkFold({ store, db, targets: scratch, until: head, now, onProgress: () => spillsSeen.push(spillDirs(dir.path)) });
      expect(result.targets.map((t) => t.position)).toEqual(projections.map(() => head));
      for (const [index, target] of result.targets.entries()) {
        expect(rowsOf(db, target.tableName)).toEqual(rowsOf(db, inOrder[index]?.tableName ?? ''));
      }
      expect(spillsSeen.flat()).toEqual([]);
    } finally {
      dropScratchTargets(db, scratch);
    }
  });

  it('stops when aborted, moves no checkpoint and removes its spill files', async () => {
    const scratch = createScratchTargets(db, projections, 'rebuild', now().toISOString());
    const abort = new AbortController();
    try {
      const folding = bulkFold({
        store,
        db,
        targets: scratch,
        until: head,
        now,
        workingSet: 50,
        signal: abort.signal,
        // Abort once pass 2 has begun writing.
        onProgress: (done) => done > head / 2 && abort.abort(),
      });
      await expect(folding).rejects.toThrow();
      const checkpoints = db.prepare<[], { position: number }>("SELECT position FROM rebuilds WHERE purpose = 'rebuild'").all();
      expect(checkpoints).toEqual(projections.map(() => ({ position: 0 })));
      expect(spillDirs(dir.path)).toEqual([]);
    } finally {
      dropScratchTargets(db, scratch);
    }
  });
});
