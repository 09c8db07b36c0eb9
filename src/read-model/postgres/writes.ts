import { sortKeyOf } from '../sort-key.js';
import { storedState, type ReadModelWrites, type StateRow } from '../read-model-writes.js';
import { advanceCheckpoints } from './catalog.js';
import { inTransaction, type Sql } from './connection.js';
import { insertRowsSql, rowArrays, safeName } from './table-layout.js';

/** Rows per statement of a fill: a few MB of parameters. */
const ROWS_PER_FILL = 2_000;

const bySortKey = (states: ReadonlyMap<string, unknown>): StateRow[] =>
  [...states]
    .map(([key, state]) => ({ key, state, sortKey: sortKeyOf(key) }))
    .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));

/** The write side over PostgreSQL: each commit one transaction, its rows in one statement per table. */
export const postgresReadModelWrites = (sql: Sql, schema: string): ReadModelWrites => {
  const s = safeName(schema);
  return {
    loadStates: async (target, keys) => {
      const { rows } = await sql.query<{ key: string; state: string }>(`SELECT key, state FROM ${s}.${safeName(target.tableName)} WHERE key = ANY($1)`, [keys]);
      return new Map(rows.map((row) => [row.key, storedState(target, row.key, row.state)]));
    },
    commit: (tables, skipped, now) =>
      inTransaction(sql, async (client) => {
        if (skipped.length > 0) {
          await client.query(
            `INSERT INTO ${s}.skipped_events (position, event_id, type, reason) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
            [skipped.map((e) => e.position), skipped.map((e) => e.eventId), skipped.map((e) => e.type), skipped.map((e) => e.reason)],
          );
        }
        for (const { target, rows } of tables) {
          if (rows.length === 0) continue;
          const viewed = rows.map(({ key, state }) => ({ key, state, view: target.projection.view(state) }));
          await client.query(insertRowsSql(schema, target.projection.name, target.tableName, true), rowArrays(target.projection.name, viewed));
        }
        return advanceCheckpoints(
          client,
          schema,
          tables.map(({ target, to }) => ({ target, to: Math.max(target.position, to) })),
          now,
        );
      }),
    fill: async (target, states, signal) => {
      const ordered = bySortKey(states);
      const statement = insertRowsSql(schema, target.projection.name, target.tableName, false);
      for (let start = 0; start < ordered.length; start += ROWS_PER_FILL) {
        signal?.throwIfAborted();
        const chunk = ordered.slice(start, start + ROWS_PER_FILL).map(({ key, state }) => ({ key, state, view: target.projection.view(state) }));
        await sql.query(statement, rowArrays(target.projection.name, chunk));
      }
    },
  };
};
