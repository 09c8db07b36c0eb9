import type { Statement } from 'better-sqlite3';
import { liveTableLookup } from './read-model-catalog.js';
import type { ReadModelDb } from './read-model-db.js';
import { encodeCursor, type Page } from './page.js';
import { pageFill } from './page-fill.js';

/** A SQL condition over a read-model table's columns, with its parameters. */
export type Condition = { readonly sql: string; readonly params: readonly unknown[] };

export type ListRequest = { readonly conditions: readonly Condition[]; readonly after?: string | undefined; readonly limit: number };

/**
 * Reads projected views. The table serving each projection is looked up per query, so a rebuild's swap is seen
 * at once and a query never reads a half-built table.
 */
/** Statements of one row type, each prepared once: a query's SQL differs by table and conditions. */
const statementsOf = <R>(db: ReadModelDb) => {
  const statements = new Map<string, Statement<unknown[], R>>();
  return (sql: string): Statement<unknown[], R> => {
    let statement = statements.get(sql);
    if (statement === undefined) {
      statement = db.prepare<unknown[], R>(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
};

export const readModelQueries = (db: ReadModelDb) => {
  const liveTable = liveTableLookup(db);
  const tableOf = (projection: string): string => {
    const tableName = liveTable(projection);
    if (tableName === undefined) throw new Error(`no read model for projection ${projection}`);
    return tableName;
  };
  const views = statementsOf<{ view: string | null }>(db);
  const storedViews = statementsOf<{ view: string | null; deleted: number | null }>(db);
  const pages = statementsOf<{ sort_key: string; view: string }>(db);
  const counts = statementsOf<{ value: string | null; n: number }>(db);
  const latests = statementsOf<{ view: string }>(db);

  // Each read runs in one transaction: the catalog lookup and the table read see the same snapshot, so a rebuild
  // swapping tables in (even from another process) is seen entirely or not at all.
  const snapshot = <A extends unknown[], R>(read: (...args: A) => R) => db.transaction(read);

  const view = <V>(projection: string, key: string): V | undefined => {
    const row = views(`SELECT view FROM ${tableOf(projection)} WHERE key = ?`).get(key);
    return row?.view == null ? undefined : (JSON.parse(row.view) as V);
  };

  /** The view as stored (JSON text), for answering without parsing it; `deleted` is read by SQLite. */
  const storedView = (projection: string, key: string): { json: string; deleted: boolean } | undefined => {
    const row = storedViews(
      `SELECT view, json_extract(view, '$.deleted') AS deleted FROM ${tableOf(projection)} WHERE key = ?`,
    ).get(key);
    return row?.view == null ? undefined : { json: row.view, deleted: row.deleted === 1 };
  };

  /** At most `limit` rows and about MAX_PAGE_BYTES of their JSON, read one at a time; the cursor is the last row's. */
  const list = <V>(projection: string, request: ListRequest): Page<V> => {
    const conditions: Condition[] = [{ sql: 'view IS NOT NULL', params: [] }, ...request.conditions];
    if (request.after !== undefined) conditions.push({ sql: 'sort_key > ?', params: [request.after] });
    const rows = pages(
        `SELECT sort_key, view FROM ${tableOf(projection)} WHERE ${conditions.map((c) => c.sql).join(' AND ')}
         ORDER BY sort_key LIMIT ?`,
    ).iterate(...conditions.flatMap((c) => c.params), request.limit + 1);
    const items: V[] = [];
    const fill = pageFill(request.limit);
    let last: string | undefined;
    for (const row of rows) {
      // Leaving the loop closes the statement's iterator.
      if (fill.full()) return { items, next_cursor: last === undefined ? null : encodeCursor(last) };
      items.push(JSON.parse(row.view) as V);
      fill.add(row.view.length);
      last = row.sort_key;
    }
    return { items, next_cursor: null };
  };

  const count = (projection: string, conditions: readonly Condition[], groupBy: string): Record<string, number> => {
    const rows = counts(
        `SELECT ${groupBy} AS value, COUNT(*) AS n FROM ${tableOf(projection)}
         WHERE view IS NOT NULL${conditions.map((c) => ` AND ${c.sql}`).join('')} GROUP BY ${groupBy}`,
    ).all(...conditions.flatMap((c) => c.params));
    return Object.fromEntries(rows.map((row) => [row.value ?? 'unknown', row.n]));
  };

  /** The view with the highest value of `column` among those matching. */
  const latest = <V>(projection: string, conditions: readonly Condition[], column: string): V | undefined => {
    const row = latests(
      `SELECT view FROM ${tableOf(projection)} WHERE view IS NOT NULL${conditions.map((c) => ` AND ${c.sql}`).join('')}
       ORDER BY ${column} DESC LIMIT 1`,
    ).get(...conditions.flatMap((c) => c.params));
    return row === undefined ? undefined : (JSON.parse(row.view) as V);
  };

  return {
    view: snapshot(view) as typeof view,
    storedView: snapshot(storedView),
    list: snapshot(list) as typeof list,
    count: snapshot(count),
    latest: snapshot(latest) as typeof latest,
  };
};

export type ReadModelQueries = ReturnType<typeof readModelQueries>;
