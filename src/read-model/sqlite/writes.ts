import { setImmediate } from 'node:timers/promises';
import type { Statement } from 'better-sqlite3';
import { toMicros } from '../../events/timestamp.js';
import { CheckpointMoved, type ProjectionTarget } from '../read-model-catalog.js';
import type { ReadModelDb } from '../read-model-db.js';
import { STATE_SQL, storedState, storedText, type ReadModelWrites, type StateRow, type TargetRows } from '../read-model-writes.js';
import { foldedValue, foldedValues, nameSortKey, searchText } from '../../../projections/view-row.js';
import { rowSortKey, sortKeyOf } from '../sort-key.js';
import { columnsOf, type Column } from './table-layout.js';

/** Rows per transaction of a fill: short, so that a live runner sharing the read-model file is never held up long. */
const ROWS_PER_FILL = 5_000;

/** One projection table's statements, prepared once. */
type TableWrites = {
  readonly columns: readonly Column[];
  readonly load: Statement<[string], { state: string }>;
  readonly insert: Statement;
  readonly upsert: Statement;
  /** Sets only the columns no index covers (and those that move), where the other indexed ones are unchanged: no changes when they differ. */
  readonly update: Statement;
};

const tableWrites = (db: ReadModelDb, target: ProjectionTarget): TableWrites => {
  const table = target.tableName;
  const columns = columnsOf(target.projection.name);
  const names = ['key', 'sort_key', 'state', 'view', ...columns.map((c) => c.name)];
  const values = `VALUES (${names.map((n) => `@${n}`).join(', ')})`;
  // SQLite rewrites the entry of every index whose column an UPDATE sets, changed or not: an update that leaves the
  // indexed columns as they are (most do) sets only the others, at a tenth of the cost. sort_key follows from the
  // key: never rewritten. A column that moves with most writes (a contact's updated_at) is set by the update too,
  // rather than sending nearly every update to the upsert.
  const setByUpdate = ['state', 'view', ...columns.filter((c) => !c.indexed || c.moves === true).map((c) => c.name)];
  const sameIndexed = columns.filter((c) => c.indexed && c.moves !== true).map((c) => ` AND ${c.name} IS @${c.name}`).join('');
  return {
    columns,
    load: db.prepare<[string], { state: string }>(`SELECT ${STATE_SQL} AS state FROM ${table} WHERE key = ?`),
    insert: db.prepare(`INSERT INTO ${table} (${names.join(', ')}) ${values}`),
    upsert: db.prepare(
      `INSERT INTO ${table} (${names.join(', ')}) ${values}
       ON CONFLICT(key) DO UPDATE SET ${names.slice(2).map((n) => `${n} = excluded.${n}`).join(', ')}`,
    ),
    update: db.prepare(`UPDATE ${table} SET ${setByUpdate.map((n) => `${n} = @${n}`).join(', ')} WHERE key = @key${sameIndexed}`),
  };
};

/** A row's parameters but its sort key: the state and view as JSON text, and each column read off the view. */
const rowOf = (columns: readonly Column[], key: string, state: unknown, view: unknown): Record<string, unknown> => {
  const row: Record<string, unknown> = { key, ...storedText(state, view) };
  for (const column of columns) {
    row[column.name] = null;
    if (typeof view !== 'object' || view === null) continue;
    const value: unknown = Reflect.get(view, column.fields[0] ?? column.name);
    switch (column.read) {
      case 'text':
        if (value !== null && value !== undefined) row[column.name] = String(value);
        break;
      case 'flag':
        row[column.name] = typeof value === 'boolean' ? Number(value) : (column.otherwise ?? null);
        break;
      case 'micros':
        if (typeof value === 'string' || typeof value === 'number') row[column.name] = toMicros(value);
        break;
      case 'search':
        row[column.name] = searchText(view);
        break;
      case 'fold':
        row[column.name] = foldedValue(value);
        break;
      case 'folds':
        row[column.name] = JSON.stringify(foldedValues(value));
        break;
      case 'name':
        row[column.name] = nameSortKey(value);
    }
  }
  return row;
};

/** In key order, so that a fill grows the primary and sort indexes at their end. */
const bySortKey = (states: ReadonlyMap<string, unknown>): StateRow[] =>
  [...states]
    .map(([key, state]) => ({ key, state, sortKey: sortKeyOf(key) }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));

/**
 * The write side over the embedded read model, the one code that writes its projection tables: each row with the
 * columns its table's layout reads off the view, and the checkpoints, by compare-and-set, in the same transaction.
 * Synchronous SQLite calls behind the port's promises.
 */
export const sqliteReadModelWrites = (db: ReadModelDb): ReadModelWrites => {
  const tables = new Map<string, TableWrites>();
  const prepare = (target: ProjectionTarget): TableWrites => {
    const table = tableWrites(db, target);
    tables.set(target.tableName, table);
    return table;
  };
  const skip = db.prepare('INSERT OR IGNORE INTO skipped_events (position, event_id, type, reason) VALUES (@position, @eventId, @type, @reason)');
  const move = (catalog: string) =>
    db.prepare(`UPDATE ${catalog} SET position = @to, updated_at = @now WHERE name = @name AND table_name = @table AND position = @from`);
  const moves = { live: move('read_models'), scratch: move('rebuilds') };

  const commit = db.transaction((changed: readonly TargetRows[], skipped: Parameters<ReadModelWrites['commit']>[1], now: string) => {
    for (const event of skipped) skip.run(event);
    const advanced: ProjectionTarget[] = [];
    for (const { target, rows, to } of changed) {
      const table = tables.get(target.tableName) ?? prepare(target);
      for (const { key, state } of rows) {
        const view = target.projection.view(state);
        const row = rowOf(table.columns, key, state, view);
        if (table.update.run(row).changes === 0) table.upsert.run({ ...row, sort_key: rowSortKey(target.projection.name, key, view) });
      }
      // Compare-and-set: two writers never both advance one checkpoint, so a move proves nobody else wrote the rows.
      const { name } = target.projection;
      const position = Math.max(target.position, to);
      if (position !== target.position && moves[target.kind].run({ name, table: target.tableName, from: target.position, to: position, now }).changes !== 1) {
        throw new CheckpointMoved(name);
      }
      advanced.push(position === target.position ? target : { ...target, position });
    }
    return advanced;
  });

  return {
    loadStates: async (target, keys) => {
      const table = tables.get(target.tableName) ?? prepare(target);
      const states = new Map<string, unknown>();
      for (const key of keys) {
        const found = table.load.get(key);
        if (found !== undefined) states.set(key, storedState(target, key, found.state));
      }
      return states;
    },
    commit: async (changed, skipped, now) => commit(changed, skipped, now),
    fill: async (target, states, signal) => {
      const table = tables.get(target.tableName) ?? prepare(target);
      const ordered = bySortKey(states);
      const insert = db.transaction((chunk: readonly StateRow[]) => {
        for (const { key, state } of chunk) {
          const view = target.projection.view(state);
          table.insert.run({ ...rowOf(table.columns, key, state, view), sort_key: rowSortKey(target.projection.name, key, view) });
        }
      });
      for (let start = 0; start < ordered.length; start += ROWS_PER_FILL) {
        signal?.throwIfAborted();
        insert(ordered.slice(start, start + ROWS_PER_FILL));
        await setImmediate();
      }
    },
  };
};
