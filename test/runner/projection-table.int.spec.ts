import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createProjectionTable, projectionTable, type ProjectionTable } from '../../src/read-model/sqlite/projection-rows.js';
import { openReadModelDb, type ReadModelDb } from '../../src/read-model/read-model-db.js';
import { makeTempDir } from '../support/temp-dir.js';

type Row = { key: string; sort_key: string; state: string; view: string | null; status: string | null; type: string | null; deleted: number | null; search: string | null };

describe('a projection table row', () => {
  let dir: ReturnType<typeof makeTempDir>;
  let db: ReadModelDb;
  let table: ProjectionTable;
  const rowOf = (key: string) => db.prepare<[string], Row>('SELECT key, sort_key, state, view, status, type, deleted, search FROM t WHERE key = ?').get(key);
  const byStatus = (status: string) => db.prepare<[string], { key: string }>('SELECT key FROM t WHERE status = ? ORDER BY sort_key').all(status).map((r) => r.key);
  const contact = (status: string, name: string) => ({ id: 7, status, type: 'whatsapp', name, deleted: false });

  beforeEach(() => {
    dir = makeTempDir('projection-table');
    db = openReadModelDb(`${dir.path}/read-model.db`);
    createProjectionTable(db, 'contacts', 't');
    table = projectionTable(db, 'contacts', 't');
  });
  afterEach(() => {
    db.close();
    dir.remove();
  });

  it('is inserted with its filter columns', () => {
    table.save('7', { n: 1 }, contact('active', 'Ann'));
    expect(rowOf('7')).toEqual({ key: '7', sort_key: '0000000000000000007', state: '{"n":1}', view: JSON.stringify(contact('active', 'Ann')), status: 'active', type: 'whatsapp', deleted: 0, search: 'ann' });
  });

  it('keeps its filter columns and index entries when an update leaves them as they are', () => {
    table.save('7', { n: 1 }, contact('active', 'Ann'));
    table.save('7', { n: 2 }, contact('active', 'Anna'));
    expect(rowOf('7')).toMatchObject({ state: '{"n":2}', status: 'active', search: 'anna' });
    expect(byStatus('active')).toEqual(['7']);
  });

  it('moves in the filter indexes when an update changes an indexed column', () => {
    table.save('7', { n: 1 }, contact('active', 'Ann'));
    table.save('7', { n: 2 }, contact('blocked', 'Ann'));
    expect(rowOf('7')).toMatchObject({ state: '{"n":2}', status: 'blocked' });
    expect(byStatus('active')).toEqual([]);
    expect(byStatus('blocked')).toEqual(['7']);
  });

  it('clears its filter columns when the view goes (nothing known)', () => {
    table.save('7', { n: 1 }, contact('active', 'Ann'));
    table.save('7', { n: 2 }, null);
    expect(rowOf('7')).toMatchObject({ view: null, status: null, type: null, deleted: null, search: null });
  });

  it('is refused by insert when it exists already (insert is for tables filled from scratch)', () => {
    table.insert('7', { n: 1 }, contact('active', 'Ann'));
    expect(() => table.insert('7', { n: 2 }, contact('active', 'Ann'))).toThrow(/UNIQUE/);
  });
});
