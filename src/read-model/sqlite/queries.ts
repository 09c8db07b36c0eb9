import type { Statement } from 'better-sqlite3';
import { entityKey } from '../../events/entity-id.js';
import { attemptKey } from '../../../projections/deliveries.js';
import type { BookingFilters, ContactFilters, DeliveryFilters, ListedProjection, ListFilters, TicketFilters } from '../list-filters.js';
import { decodeCursor, encodeCursor, type Page } from '../page.js';
import { pageFill } from '../page-fill.js';
import { searchPattern } from '../search-text.js';
import { receivedPrefix } from '../sort-key.js';
import { liveTableLookup } from './catalog.js';
import type { ReadModelDb } from '../read-model-db.js';
import type { LatestBy, ReadModelQueries } from '../read-model-queries.js';

/** A SQL condition over a projection table's columns (table-layout.ts), with its parameters. */
type Condition = { readonly sql: string; readonly params: readonly unknown[] };

/** Stands for the table in a condition that reads another of its rows. */
const THIS_TABLE = '{table}';

const equals = (column: string, value: unknown): Condition[] => (value === undefined ? [] : [{ sql: `${column} = ?`, params: [value] }]);

const contactConditions = (filters: ContactFilters): Condition[] => [
  ...equals('status', filters.status),
  ...equals('type', filters.type),
  ...equals('blacklisted', filters.blacklisted === undefined ? undefined : Number(filters.blacklisted)),
  ...(filters.include_deleted === true ? [] : [{ sql: 'deleted = 0', params: [] }]),
  ...(filters.tag === undefined ? [] : [{ sql: "EXISTS (SELECT 1 FROM json_each(view, '$.tags') WHERE value = ?)", params: [filters.tag] }]),
  ...(filters.q === undefined ? [] : [{ sql: "search LIKE ? ESCAPE '\\'", params: [searchPattern(filters.q)] }]),
];

const bookingConditions = (filters: BookingFilters): Condition[] => [
  ...equals('status', filters.status),
  ...equals('contact_id', filters.contact_id === undefined ? undefined : entityKey(filters.contact_id)),
  ...(filters.from_us === undefined ? [] : [{ sql: 'starts_at_us >= ?', params: [filters.from_us] }]),
  ...(filters.to_us === undefined ? [] : [{ sql: 'starts_at_us <= ?', params: [filters.to_us] }]),
];

const ticketConditions = (filters: TicketFilters): Condition[] => [
  ...equals('status', filters.status),
  ...equals('priority', filters.priority),
  ...equals('contact_id', filters.contact_id === undefined ? undefined : entityKey(filters.contact_id)),
];

/**
 * A delivery's sort key leads with its receive time counted down (rowSortKey), so a time range is a range of the
 * sort index. A search is three lookups by key or index: the event id, the first attempt's delivery id, and the
 * row of a further attempt's delivery id, which names the events it repeated.
 */
const deliveryConditions = (filters: DeliveryFilters): Condition[] => [
  { sql: 'outcome IS NOT NULL', params: [] },
  ...equals('event', filters.event),
  ...equals('outcome', filters.outcome),
  ...equals('entity', filters.entity),
  ...(filters.from_us === undefined ? [] : [{ sql: 'sort_key < ?', params: [receivedPrefix(filters.from_us - 1)] }]),
  ...(filters.to_us === undefined ? [] : [{ sql: 'sort_key >= ?', params: [receivedPrefix(filters.to_us)] }]),
  ...(filters.q === undefined
    ? []
    : [
        {
          sql: `(key = ? OR delivery_id = ? OR key IN (SELECT value FROM json_each((SELECT view FROM ${THIS_TABLE} WHERE key = ?), '$.attempt_of')))`,
          params: [filters.q, filters.q, attemptKey(filters.q)],
        },
      ]),
];

const conditionsOf: { readonly [P in ListedProjection]: (filters: ListFilters[P]) => Condition[] } = {
  contacts: contactConditions,
  bookings: bookingConditions,
  tickets: ticketConditions,
  deliveries: deliveryConditions,
};

/** The column a `latest` orders by: the time field in microseconds. */
const LATEST_COLUMN: { readonly [P in keyof LatestBy]: string } = { bookings: 'updated_at_us', tickets: 'created_at_us' };

const whereOf = (conditions: readonly Condition[], table: string) => ({
  sql: ['view IS NOT NULL', ...conditions.map((c) => c.sql.replaceAll(THIS_TABLE, table))].join(' AND '),
  params: conditions.flatMap((c) => c.params),
});

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

/** A page of the views of `rows` (in sort order, one more than `limit` asked for), cut where it fills (pageFill). */
const pageOfRows = (rows: Iterable<{ sort_key: string; view: string }>, limit: number): Page<unknown> => {
  const items: unknown[] = [];
  const fill = pageFill(limit);
  let last: string | undefined;
  for (const row of rows) {
    // Leaving the loop closes the statement's iterator.
    if (fill.full()) return { items, next_cursor: last === undefined ? null : encodeCursor(last) };
    items.push(JSON.parse(row.view));
    fill.add(row.view.length);
    last = row.sort_key;
  }
  return { items, next_cursor: null };
};

/**
 * The read side over the embedded read model. The table serving each projection is looked up per query, and each
 * query runs in one transaction: the catalog lookup and the table read see the same snapshot, so a rebuild swapping
 * tables in (even from another process) is seen entirely or not at all, and a query never reads a half-built table.
 */
export const sqliteReadModelQueries = (db: ReadModelDb): ReadModelQueries => {
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

  const list = db.transaction((projection: ListedProjection, conditions: readonly Condition[], cursor: string | undefined, limit: number): Page<unknown> => {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const table = tableOf(projection);
    const where = whereOf([...conditions, ...(after === undefined ? [] : [{ sql: 'sort_key > ?', params: [after] }])], table);
    return pageOfRows(pages(`SELECT sort_key, view FROM ${table} WHERE ${where.sql} ORDER BY sort_key LIMIT ?`).iterate(...where.params, limit + 1), limit);
  });

  const view = db.transaction((projection: string, key: string): string | undefined => {
    const row = views(`SELECT view FROM ${tableOf(projection)} WHERE key = ?`).get(key);
    return row?.view ?? undefined;
  });

  const storedView = db.transaction((projection: string, key: string) => {
    // `deleted` is read by SQLite: the view is answered as stored, without parsing it here.
    const row = storedViews(`SELECT view, json_extract(view, '$.deleted') AS deleted FROM ${tableOf(projection)} WHERE key = ?`).get(key);
    return row?.view == null ? undefined : { json: row.view, deleted: row.deleted === 1 };
  });

  const countByStatus = db.transaction((projection: ListedProjection, conditions: readonly Condition[]) => {
    const table = tableOf(projection);
    const where = whereOf(conditions, table);
    const rows = counts(`SELECT status AS value, COUNT(*) AS n FROM ${table} WHERE ${where.sql} GROUP BY status`).all(...where.params);
    return Object.fromEntries(rows.map((row) => [row.value ?? 'unknown', row.n]));
  });

  const latest = db.transaction((projection: keyof LatestBy, conditions: readonly Condition[]): string | undefined => {
    const table = tableOf(projection);
    const where = whereOf(conditions, table);
    return views(`SELECT view FROM ${table} WHERE ${where.sql} ORDER BY ${LATEST_COLUMN[projection]} DESC LIMIT 1`).get(...where.params)?.view ?? undefined;
  });

  const parsed = <V>(json: string | undefined): V | undefined => (json === undefined ? undefined : (JSON.parse(json) as V));

  return {
    view: async <V>(projection: string, key: string) => parsed<V>(view(projection, key)),
    storedView: async (projection, key) => storedView(projection, key),
    // Views are the runner's own JSON, each typed by its projection's schema where it is served.
    list: async <P extends ListedProjection, V>(projection: P, filters: ListFilters[P], page: { readonly cursor?: string | undefined; readonly limit: number }) =>
      list(projection, conditionsOf[projection](filters), page.cursor, page.limit) as Page<V>,
    countByStatus: async (projection, filters) => countByStatus(projection, conditionsOf[projection](filters)),
    latest: async <P extends keyof LatestBy, V>(projection: P, filters: ListFilters[P]) => parsed<V>(latest(projection, conditionsOf[projection](filters))),
  };
};
