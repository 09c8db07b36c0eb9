import { setImmediate } from 'node:timers/promises';
import type { ProjectionTarget } from '../read-model-catalog.js';
import { checkpointWriter } from './catalog.js';
import type { ReadModelDb } from '../read-model-db.js';
import type { ReadModelWrites, StateRow, TargetRows } from '../read-model-writes.js';
import { projectionTable, type ProjectionTable } from './projection-rows.js';
import { sortKeyOf } from '../sort-key.js';

/** Rows per transaction of a fill: short, so that a live runner sharing the read-model file is never held up long. */
const ROWS_PER_FILL = 5_000;

const bySortKey = (states: ReadonlyMap<string, unknown>): StateRow[] =>
  [...states]
    .map(([key, state]) => ({ key, state, sortKey: sortKeyOf(key) }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));

/** The write side over the embedded read model: synchronous SQLite calls behind the port's promises. */
export const sqliteReadModelWrites = (db: ReadModelDb): ReadModelWrites => {
  const tables = new Map<string, ProjectionTable>();
  const tableOf = (target: ProjectionTarget) => {
    let table = tables.get(target.tableName);
    if (table === undefined) {
      table = projectionTable(db, target.projection.name, target.tableName);
      tables.set(target.tableName, table);
    }
    return table;
  };
  const checkpoints = checkpointWriter(db);

  const commit = db.transaction((changed: readonly TargetRows[], skipped: Parameters<ReadModelWrites['commit']>[1], now: string) => {
    checkpoints.recordSkipped(skipped);
    return changed.map(({ target, rows, to }) => {
      const table = tableOf(target);
      for (const { key, state } of rows) table.save(key, state, target.projection.view(state));
      return checkpoints.advance(target, Math.max(target.position, to), now);
    });
  });

  return {
    loadStates: async (target, keys) => {
      const table = tableOf(target);
      const states = new Map<string, unknown>();
      for (const key of keys) {
        const state = table.loadState(key);
        if (state !== undefined) states.set(key, state);
      }
      return states;
    },
    commit: async (changed, skipped, now) => commit(changed, skipped, now),
    fill: async (target, states, signal) => {
      const table = tableOf(target);
      // In key order: the primary and sort indexes grow at their end.
      const ordered = bySortKey(states);
      const insert = db.transaction((chunk: readonly StateRow[]) => {
        for (const { key, state } of chunk) table.insert(key, state, target.projection.view(state));
      });
      for (let start = 0; start < ordered.length; start += ROWS_PER_FILL) {
        signal?.throwIfAborted();
        insert(ordered.slice(start, start + ROWS_PER_FILL));
        await setImmediate();
      }
    },
  };
};
