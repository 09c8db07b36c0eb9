import { sortKeyOf } from '../sort-key.js';
import { STATE_SQL, storedState, type ReadModelWrites, type StateRow } from '../read-model-writes.js';
import { checkpointMovedBy, checkpointMovesSql } from './catalog.js';
import { inlined, type Sql } from './connection.js';
import { arrayLiteral, insertRowsSql, rowArrays, safeName } from './table-layout.js';

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
      const { rows } = await sql.query<{ key: string; state: string }>(`SELECT key, ${STATE_SQL} AS state FROM ${s}.${safeName(target.tableName)} WHERE key = ANY($1)`, [keys]);
      return new Map(rows.map((row) => [row.key, storedState(target, row.key, row.state)]));
    },
    // One simple query: the rows, the skipped events and the checkpoints in one round trip and one transaction.
    commit: async (tables, skipped, now) => {
      const statements: string[] = [];
      if (skipped.length > 0) {
        statements.push(
          inlined(
            `INSERT INTO ${s}.skipped_events (position, event_id, type, reason) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) ON CONFLICT DO NOTHING`,
            [arrayLiteral(skipped.map((e) => e.position)), arrayLiteral(skipped.map((e) => e.eventId)), arrayLiteral(skipped.map((e) => e.type)), arrayLiteral(skipped.map((e) => e.reason))],
          ),
        );
      }
      for (const { target, rows } of tables) {
        if (rows.length === 0) continue;
        const viewed = rows.map(({ key, state }) => ({ key, state, view: target.projection.view(state) }));
        statements.push(inlined(insertRowsSql(schema, target.projection.name, target.tableName, true), rowArrays(target.projection.name, viewed)));
      }
      const moves = tables.map(({ target, to }) => ({ target, to: Math.max(target.position, to) }));
      statements.push(...checkpointMovesSql(schema, moves, now));
      if (statements.length > 0) {
        try {
          await sql.query(statements.join(';\n'));
        } catch (error) {
          throw checkpointMovedBy(error) ?? error;
        }
      }
      return moves.map(({ target, to }) => ({ ...target, position: to }));
    },
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
