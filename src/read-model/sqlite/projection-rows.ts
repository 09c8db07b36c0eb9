import type { ReadModelDb } from '../read-model-db.js';
import { sortKeyOf } from '../sort-key.js';
import { tableSpecOf } from './table-layout.js';

/** One projection's rows in one table: states to evolve, views to serve, filter columns beside them. */
export type ProjectionTable = {
  readonly tableName: string;
  readonly loadState: (key: string) => unknown;
  /** Inserts or updates the row. */
  readonly save: (key: string, state: unknown, view: unknown) => void;
  /** Inserts a row that is known not to exist yet (a table being filled from scratch). */
  readonly insert: (key: string, state: unknown, view: unknown) => void;
};

export const createProjectionTable = (db: ReadModelDb, projectionName: string, tableName: string): void => {
  const spec = tableSpecOf(projectionName);
  const columns = Object.entries(spec.columns).map(([column, type]) => `, ${column} ${type}`).join('');
  db.exec(`CREATE TABLE IF NOT EXISTS ${tableName} (
    key TEXT PRIMARY KEY, sort_key TEXT NOT NULL, state TEXT NOT NULL, view TEXT${columns})`);
  db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${tableName}_sort ON ${tableName} (sort_key)`);
  for (const index of spec.indexes) {
    db.exec(`CREATE INDEX IF NOT EXISTS ${tableName}_${index.join('_')} ON ${tableName} (${index.join(', ')}, sort_key)`);
  }
};

export const projectionTable = (db: ReadModelDb, projectionName: string, tableName: string): ProjectionTable => {
  const spec = tableSpecOf(projectionName);
  const columns = Object.keys(spec.columns);
  const indexed = new Set(spec.indexes.flat());
  const load = db.prepare<[string], { state: string }>(`SELECT state FROM ${tableName} WHERE key = ?`);
  const names = ['key', 'sort_key', 'state', 'view', ...columns];
  const values = `VALUES (${names.map((n) => `@${n}`).join(', ')})`;
  const insert = db.prepare(`INSERT INTO ${tableName} (${names.join(', ')}) ${values}`);
  // sort_key follows from the key: never rewritten.
  const upsert = db.prepare(
    `INSERT INTO ${tableName} (${names.join(', ')}) ${values}
     ON CONFLICT(key) DO UPDATE SET ${names.slice(2).map((n) => `${n} = excluded.${n}`).join(', ')}`,
  );
  // SQLite rewrites the entry of every index whose column an UPDATE sets, changed or not: an update that leaves the
  // indexed columns as they are (most do) sets only the others, at a tenth of the cost.
  const unindexed = ['state', 'view', ...columns.filter((c) => !indexed.has(c))];
  const sameIndexed = columns.filter((c) => indexed.has(c)).map((c) => ` AND ${c} IS @${c}`).join('');
  const update = db.prepare(
    `UPDATE ${tableName} SET ${unindexed.map((n) => `${n} = @${n}`).join(', ')} WHERE key = @key${sameIndexed}`,
  );
  const row = (key: string, state: unknown, view: unknown) => {
    const extracted = view === null ? Object.fromEntries(columns.map((c) => [c, null])) : spec.extract(view as Record<string, unknown>);
    return {
      ...extracted,
      key,
      sort_key: sortKeyOf(key),
      state: JSON.stringify(state),
      view: view === null ? null : JSON.stringify(view),
    };
  };
  return {
    tableName,
    loadState: (key) => {
      const found = load.get(key);
      return found === undefined ? undefined : JSON.parse(found.state);
    },
    save: (key, state, view) => {
      const params = row(key, state, view);
      if (update.run(params).changes === 0) upsert.run(params);
    },
    insert: (key, state, view) => void insert.run(row(key, state, view)),
  };
};
