import type { Statement } from 'better-sqlite3';
import * as E from 'fp-ts/lib/Either.js';
import { entityKey } from '../../events/entity-id.js';
import { FACET_FIELDS, facetOf, filtersBeside, MAX_FACET_VALUES, type FacetField, type Facets, type FacetValue } from '../list-facets.js';
import { attemptKey } from '../../../projections/deliveries.js';
import type { BookingFilters, ContactFilters, DeliveryFilters, ListedProjection, ListFilters, TicketFilters } from '../list-filters.js';
import { listPage, readNow, type Scan, type ScannedRow } from '../list-page.js';
import { sortOf } from '../list-sort.js';
import type { Page } from '../page.js';
import { searchPattern } from '../search-text.js';
import { receivedPrefix } from '../sort-key.js';
import { liveTableLookup } from './catalog.js';
import type { ReadModelDb } from '../read-model-db.js';
import type { LatestBy, ListRefusal, PageRequest, ReadModelQueries } from '../read-model-queries.js';
import { SORT_COLUMNS } from './table-layout.js';
import { foldedValue } from '../../../projections/view-row.js';

/** A SQL condition over a projection table's columns (table-layout.ts), with its parameters. */
type Condition = { readonly sql: string; readonly params: readonly unknown[] };

/** Whether the table has a column: one built by an earlier version of its projection may lack the newer ones. */
type Has = (column: string) => boolean;

/** Stands for the table in a condition that reads another of its rows. */
const THIS_TABLE = '{table}';

const equals = (column: string, value: unknown): Condition[] => (value === undefined ? [] : [{ sql: `${column} = ?`, params: [value] }]);

/** Equal without regard to case or accents, by the folded column; on a table that has none yet, as written. */
const matches = (field: string, value: string | undefined, has: Has): Condition[] =>
  has(`${field}_fold`) ? equals(`${field}_fold`, value === undefined ? undefined : foldedValue(value)) : equals(field, value);

const tagged = (tag: string | undefined, has: Has): Condition[] => {
  if (tag === undefined) return [];
  return has('tags_fold')
    ? [{ sql: 'EXISTS (SELECT 1 FROM json_each(tags_fold) WHERE value = ?)', params: [foldedValue(tag)] }]
    : [{ sql: "EXISTS (SELECT 1 FROM json_each(view, '$.tags') WHERE value = ?)", params: [tag] }];
};

const contactConditions = (filters: ContactFilters, has: Has): Condition[] => [
  ...matches('status', filters.status, has),
  ...matches('type', filters.type, has),
  ...equals('blacklisted', filters.blacklisted === undefined ? undefined : Number(filters.blacklisted)),
  ...(filters.include_deleted === true ? [] : [{ sql: 'deleted = 0', params: [] }]),
  ...tagged(filters.tag, has),
  ...(filters.q === undefined ? [] : [{ sql: "search LIKE ? ESCAPE '\\'", params: [searchPattern(filters.q)] }]),
];

const bookingConditions = (filters: BookingFilters): Condition[] => [
  ...equals('status', filters.status),
  ...equals('contact_id', filters.contact_id === undefined ? undefined : entityKey(filters.contact_id)),
  ...(filters.from_us === undefined ? [] : [{ sql: 'starts_at_us >= ?', params: [filters.from_us] }]),
  ...(filters.to_us === undefined ? [] : [{ sql: 'starts_at_us <= ?', params: [filters.to_us] }]),
];

const ticketConditions = (filters: TicketFilters, has: Has): Condition[] => [
  ...matches('status', filters.status, has),
  ...matches('priority', filters.priority, has),
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

const conditionsOf: { readonly [P in ListedProjection]: (filters: ListFilters[P], has: Has) => Condition[] } = {
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

/** One run of a sorted list (list-page.ts) as SQL: a range of the sort's index, read forwards or backwards. */
const scanSql = (table: string, where: Condition, scan: Scan): Condition => {
  const order = scan.descending ? 'DESC' : 'ASC';
  const beyond = scan.descending ? '<' : '>';
  const column = scan.field === 'id' ? 'NULL' : SORT_COLUMNS[scan.field];
  const { from } = scan;
  const range: Condition[] =
    scan.run === 'values'
      ? [{ sql: `${column} IS NOT NULL`, params: [] }, ...(from === undefined ? [] : [{ sql: `(${column}, sort_key) ${beyond} (?, ?)`, params: [from.value, from.key] }])]
      : [...(scan.run === 'nulls' ? [{ sql: `${column} IS NULL`, params: [] }] : []), ...(from === undefined ? [] : [{ sql: `sort_key ${beyond} ?`, params: [from.key] }])];
  const ordered = scan.run === 'values' ? `${column} ${order}, sort_key ${order}` : `sort_key ${order}`;
  return {
    sql: `SELECT sort_key, ${column} AS value, view FROM ${table} WHERE ${[where.sql, ...range.map((c) => c.sql)].join(' AND ')} ORDER BY ${ordered} LIMIT ?`,
    params: [...where.params, ...range.flatMap((c) => c.params), scan.limit],
  };
};

/** Each matching row's value of a facet's field, folded and as written (a contact's tags: a pair per tag). */
const facetSource = (table: string, field: string, where: string, has: Has): string => {
  if (field === 'tag') {
    return has('tags_fold')
      ? `SELECT f.value AS fold, g.value AS value FROM (SELECT view, tags_fold FROM ${table} WHERE ${where}) AS r, json_each(r.view, '$.tags') AS g, json_each(r.tags_fold) AS f WHERE f.key = g.key`
      : `SELECT g.value AS fold, g.value AS value FROM (SELECT view FROM ${table} WHERE ${where}) AS r, json_each(r.view, '$.tags') AS g`;
  }
  const fold = has(`${field}_fold`) ? `${field}_fold` : field;
  return `SELECT ${fold} AS fold, ${field} AS value FROM ${table} WHERE ${where} AND ${fold} IS NOT NULL`;
};

/** Counts per folded value, each named by its most common spelling (then the first in byte order), the most frequent first. */
const facetSql = (source: string): string =>
  `SELECT value, total AS count FROM (
     SELECT fold, value, SUM(COUNT(*)) OVER (PARTITION BY fold) AS total, ROW_NUMBER() OVER (PARTITION BY fold ORDER BY COUNT(*) DESC, value) AS place
     FROM (${source}) GROUP BY fold, value)
   WHERE place = 1 ORDER BY count DESC, fold LIMIT ?`;

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

/** The columns of each table, read once: a table's layout never changes (a new layout is a new table). */
const tableColumnsOf = (db: ReadModelDb): ((table: string) => Has) => {
  const known = new Map<string, ReadonlySet<string>>();
  return (table) => {
    let columns = known.get(table);
    if (columns === undefined) {
      columns = new Set(db.prepare<[], { name: string }>(`SELECT name FROM pragma_table_info('${table}')`).all().map((c) => c.name));
      known.set(table, columns);
    }
    const found = columns;
    return (column) => found.has(column);
  };
};

/** Which table serves a projection now, and which columns a table has. */
type TableReader = { readonly tableOf: (projection: string) => string; readonly columnsOf: (table: string) => Has };

/** A page of a sorted list (list-page.ts), its scans in one transaction with the catalog lookup. */
const sortedLists = (db: ReadModelDb, { tableOf, columnsOf }: TableReader) => {
  const scans = statementsOf<ScannedRow>(db);
  return db.transaction(<P extends ListedProjection>(projection: P, filters: ListFilters[P], page: PageRequest<P>): E.Either<ListRefusal, Page<unknown>> => {
    const table = tableOf(projection);
    const has = columnsOf(table);
    const { field } = sortOf(page.sort);
    if (field !== 'id' && !has(SORT_COLUMNS[field])) return E.left({ kind: 'sort_unavailable', sort: page.sort });
    const where = whereOf(conditionsOf[projection](filters, has), table);
    return E.right(
      readNow(listPage(page.sort, page.cursor, page.limit), (scan) => {
        const { sql, params } = scanSql(table, where, scan);
        return scans(sql).all(...params);
      }),
    );
  });
};

/** A list's facets (list-facets.ts), each field counted under the other filters, in one transaction. */
const facetCounts = (db: ReadModelDb, { tableOf, columnsOf }: TableReader) => {
  const counted = statementsOf<FacetValue>(db);
  return db.transaction(<P extends ListedProjection>(projection: P, filters: ListFilters[P]): Facets<P> => {
    const table = tableOf(projection);
    const has = columnsOf(table);
    const fields: readonly FacetField<P>[] = FACET_FIELDS[projection];
    const facetOfField = (field: FacetField<P>) => {
      const where = whereOf(conditionsOf[projection](filtersBeside(filters, field), has), table);
      return facetOf(counted(facetSql(facetSource(table, field, where.sql, has))).all(...where.params, MAX_FACET_VALUES + 1));
    };
    return Object.fromEntries(fields.map((field) => [field, facetOfField(field)])) as Facets<P>;
  });
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
  const counts = statementsOf<{ value: string | null; n: number }>(db);

  const reader: TableReader = { tableOf, columnsOf: tableColumnsOf(db) };
  const list = sortedLists(db, reader);
  const facets = facetCounts(db, reader);
  const { columnsOf } = reader;

  const view = db.transaction((projection: string, key: string): string | undefined => {
    const row = views(`SELECT view FROM ${tableOf(projection)} WHERE key = ?`).get(key);
    return row?.view ?? undefined;
  });

  const storedView = db.transaction((projection: string, key: string) => {
    // `deleted` is read by SQLite: the view is answered as stored, without parsing it here.
    const row = storedViews(`SELECT view, json_extract(view, '$.deleted') AS deleted FROM ${tableOf(projection)} WHERE key = ?`).get(key);
    return row?.view == null ? undefined : { json: row.view, deleted: row.deleted === 1 };
  });

  const countByStatus = db.transaction(<P extends ListedProjection>(projection: P, filters: ListFilters[P]) => {
    const table = tableOf(projection);
    const where = whereOf(conditionsOf[projection](filters, columnsOf(table)), table);
    const rows = counts(`SELECT status AS value, COUNT(*) AS n FROM ${table} WHERE ${where.sql} GROUP BY status`).all(...where.params);
    return Object.fromEntries(rows.map((row) => [row.value ?? 'unknown', row.n]));
  });

  const latest = db.transaction(<P extends keyof LatestBy>(projection: P, filters: ListFilters[P]): string | undefined => {
    const table = tableOf(projection);
    const where = whereOf(conditionsOf[projection](filters, columnsOf(table)), table);
    return views(`SELECT view FROM ${table} WHERE ${where.sql} ORDER BY ${LATEST_COLUMN[projection]} DESC LIMIT 1`).get(...where.params)?.view ?? undefined;
  });

  const parsed = <V>(json: string | undefined): V | undefined => (json === undefined ? undefined : (JSON.parse(json) as V));

  return {
    view: async <V>(projection: string, key: string) => parsed<V>(view(projection, key)),
    storedView: async (projection, key) => storedView(projection, key),
    // Views are the runner's own JSON, each typed by its projection's schema where it is served.
    list: async <P extends ListedProjection, V>(projection: P, filters: ListFilters[P], page: PageRequest<P>) =>
      list(projection, filters, page) as E.Either<ListRefusal, Page<V>>,
    facets: async (projection, filters) => facets(projection, filters),
    countByStatus: async (projection, filters) => countByStatus(projection, filters),
    latest: async <P extends keyof LatestBy, V>(projection: P, filters: ListFilters[P]) => parsed<V>(latest(projection, filters)),
  };
};
