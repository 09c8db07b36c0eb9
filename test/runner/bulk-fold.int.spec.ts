import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projections } from '../../projections/registry.js';
import type { ReadModel } from '../../src/read-model/read-model.js';
import { openSqliteReadModel } from '../../src/read-model/sqlite/open-sqlite-read-model.js';
import { bulkFold } from '../../src/runner/bulk-fold.js';
import { foldLog } from '../../src/runner/fold-log.js';
import type { EventStore } from '../../src/store/event-store.js';
import { openSqliteEventStore } from '../../src/store/sqlite.js';
import { fillStore } from '../support/fill-store.js';
import { makeTempDir } from '../support/temp-dir.js';

const now = () => new Date('2026-11-27T00:00:00Z');

const spillDirs = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('.skylight-fold-'));

describe('bulkFold: the log folded by buckets of entities instead of in order', () => {
  const dir = makeTempDir('bulk-fold');
  let store: EventStore;
  let readModel: ReadModel;
  let head = 0;

  /** The views of the bulk fold's tables that differ from the live ones (the in-order fold's), per projection. */
  const differences = async (targets: Awaited<ReturnType<typeof bulkFold>>['targets']) =>
    Promise.all(targets.map(async (target) => (await readModel.catalog.differingViews(target, 3)).count));

  beforeAll(async () => {
    store = openSqliteEventStore(join(dir.path, 'events.db'));
    readModel = openSqliteReadModel(join(dir.path, 'read-model.db'));
    await fillStore(store, 300, 7);
    // Stored when it was valid; the schema no longer reads it (an upcaster gap): skipped, not fatal.
    await store.append('contact-unreadable', [{ id: 'a4f3c2b1-0000-5000-8000-000000000001', type: 'contact.updated', data: { contact: { id: { nested: true } } }, metadata: {} }]);
    await fillStore(store, 40, 8);
    const position = await store.headPosition();
    head = position._tag === 'Right' ? position.right : 0;
    // Folded in log order, one event after the other, and put in service: what bulkFold must reproduce.
    const scratch = await readModel.catalog.createScratch(projections, 'rebuild', now().toISOString());
    const inOrder = await foldLog({ store, readModel, targets: scratch, until: head, now, workingSet: 1 });
    await readModel.catalog.swapIn(inOrder.targets, now().toISOString());
  }, 60_000);
  afterAll(async () => {
    await store.close();
    await readModel.close();
    dir.remove();
  });

  it('gives the views of the in-order fold, with many buckets and groups (a tiny working set)', async () => {
    const scratch = await readModel.catalog.createScratch(projections, 'verify', now().toISOString());
    const progress: number[] = [];
    try {
      const result = await bulkFold({ store, readModel, targets: scratch, until: head, now, workingSet: 50, onProgress: (done) => progress.push(done) });
      expect(result.events).toBe(head);
      expect(result.targets.map((t) => t.position)).toEqual(projections.map(() => head));
      expect(await differences(result.targets)).toEqual(projections.map(() => 0));
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(head);
      expect(await readModel.catalog.skippedByType()).toEqual({ 'contact.updated': 1 });
      expect(spillDirs(dir.path)).toEqual([]);
    } finally {
      await readModel.catalog.dropScratch(scratch);
    }
  });

  it('gives the same views folding in memory when the log fits the working set, and spills nothing', async () => {
    const scratch = await readModel.catalog.createScratch(projections, 'verify', now().toISOString());
    const spillsSeen: string[][] = [];
    try {
      const result = await bulkFold({ store, readModel, targets: scratch, until: head, now, onProgress: () => spillsSeen.push(spillDirs(dir.path)) });
      expect(result.targets.map((t) => t.position)).toEqual(projections.map(() => head));
      expect(await differences(result.targets)).toEqual(projections.map(() => 0));
      expect(spillsSeen.flat()).toEqual([]);
    } finally {
      await readModel.catalog.dropScratch(scratch);
    }
  });

  it('stops when aborted, moves no checkpoint and removes its spill files', async () => {
    const scratch = await readModel.catalog.createScratch(projections, 'verify', now().toISOString());
    const abort = new AbortController();
    const commits: unknown[] = [];
    const commit: ReadModel['writes']['commit'] = async (tables, skipped, at) => {
      commits.push(tables);
      return readModel.writes.commit(tables, skipped, at);
    };
    try {
      const folding = bulkFold({
        store,
        readModel: { ...readModel, writes: { ...readModel.writes, commit } },
        targets: scratch,
        until: head,
        now,
        workingSet: 50,
        signal: abort.signal,
        // Abort once pass 2 has begun writing.
        onProgress: (done) => done > head / 2 && abort.abort(),
      });
      await expect(folding).rejects.toThrow();
      expect(commits).toEqual([]);
      expect(spillDirs(dir.path)).toEqual([]);
    } finally {
      await readModel.catalog.dropScratch(scratch);
    }
  });
});
