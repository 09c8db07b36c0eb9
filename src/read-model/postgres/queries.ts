import * as E from 'fp-ts/lib/Either.js';
import { entityKey } from '../../events/entity-id.js';
import { FACET_FIELDS, facetOf, filtersBeside, MAX_FACET_VALUES, type FacetField, type Facets, type FacetValue } from '../list-facets.js';
import { attemptKey } from '../../../projections/deliveries.js';
import type { BookingFilters, ContactFilters, DeliveryFilters, ListedProjection, ListFilters, TicketFilters } from '../list-filters.js';
import { listPage, readAwaiting, type Scan, type ScannedRow } from '../list-page.js';
import { sortOf, type SortField } from '../list-sort.js';
import type { Page } from '../page.js';
import { searchPattern } from '../search-text.js';
import { receivedPrefix } from '../sort-key.js';
import type { LatestBy, ListRefusal, PageRequest, ReadModelQueries } from '../read-model-queries.js';
import { inTransaction, sqlState, type Client, type Sql } from './connection.js';
import { safeName } from './table-layout.js';
import { foldedValue } from '../../../projections/view-row.js';

/** A condition over a projection table's columns; `$?` stands for its parameter, numbered when the query is built. */
type Condition = { readonly sql: string; readonly params: readonly unknown[] };

/** Whether the table has a column: one built by an earlier version of its projection may lack the newer ones. */
type Has = (column: string) => boolean;

/** Stands for the table in a condition that reads another of its rows. */
const THIS_TABLE = '{table}';

const equals = (column: string, value: unknown): Condition[] => (value === undefined ? [] : [{ sql: `${column} = $?`, params: [value] }]);

/** Equal without regard to case or accents, by the folded column; on a table that has none yet, as written. */
const matches = (field: string, value: string | undefined, has: Has): Condition[] =>
  has(`${field}_fold`) ? equals(`${field}_fold`, value === undefined ? undefined : foldedValue(value)) : equals(field, value);

const tagged = (tag: string | undefined, has: Has): Condition[] => {
  if (tag === undefined) return [];
  return has('tags_fold') ? [{ sql: '$? = ANY(tags_fold)', params: [foldedValue(tag)] }] : [{ sql: '$? = ANY(tags)', params: [tag] }];
};

const contactConditions = (f: ContactFilters, has: Has): Condition[] => [
  ...matches('status', f.status, has),
  ...matches('type', f.type, has),
  ...equals('blacklisted', f.blacklisted),
  ...(f.include_deleted === true ? [] : [{ sql: 'deleted = false', params: [] }]),
  ...tagged(f.tag, has),
  ...(f.q === undefined ? [] : [{ sql: "search LIKE $? ESCAPE '\\'", params: [searchPattern(f.q)] }]),
];

const bookingConditions = (f: BookingFilters): Condition[] => [
  ...equals('status', f.status),
  ...equals('contact_key', f.contact_id === undefined ? undefined : entityKey(f.contact_id)),
  ...(f.from_us === undefined ? [] : [{ sql: 'starts_at_us >= $?', params: [f.from_us] }]),
  ...(f.to_us === undefined ? [] : [{ sql: 'starts_at_us <= $?', params: [f.to_us] }]),
];

const ticketConditions = (f: TicketFilters, has: Has): Condition[] => [
  ...matches('status', f.status, has),
  ...matches('priority', f.priority, has),
  ...equals('contact_key', f.contact_id === undefined ? undefined : entityKey(f.contact_id)),
];

/** As in the embedded read model (sqlite/queries.ts): a time range is a range of the sort index, a search three lookups. */
const deliveryConditions = (f: DeliveryFilters): Condition[] => [
  { sql: 'outcome IS NOT NULL', params: [] },
  ...equals('event', f.event),
  ...equals('outcome', f.outcome),
  ...equals('entity', f.entity),
  ...(f.from_us === undefined ? [] : [{ sql: 'sort_key < $?', params: [receivedPrefix(f.from_us - 1)] }]),
  ...(f.to_us === undefined ? [] : [{ sql: 'sort_key >= $?', params: [receivedPrefix(f.to_us)] }]),
  ...(f.q === undefined
    ? []
    : [
        {
          // An array (an InitPlan, read once) rather than IN (a subplan): so each term is an index scan of a BitmapOr.
          sql: `(key = $? OR delivery_id = $? OR key = ANY(ARRAY(SELECT jsonb_array_elements_text(a.view::jsonb -> 'attempt_of') FROM ${THIS_TABLE} a WHERE a.key = $?)))`,
          params: [f.q, f.q, attemptKey(f.q)],
        },
      ]),
];

const conditionsOf: { readonly [P in ListedProjection]: (filters: ListFilters[P], has: Has) => Condition[] } = {
  contacts: contactConditions,
  bookings: bookingConditions,
  tickets: ticketConditions,
  deliveries: deliveryConditions,
};

const LATEST_COLUMN: { readonly [P in keyof LatestBy]: string } = { bookings: 'updated_at_us', tickets: 'created_at_us' };

/** The column each sort (list-sort.ts) reads, indexed with sort_key after it, both compared bytewise. */
const SORT_COLUMNS: { readonly [F in Exclude<SortField, 'id'>]: string } = {
  name: 'name_sort',
  updated_at: 'updated_at_us',
  starts_at: 'starts_at_us',
  created_at: 'created_at_us',
};

/** The conditions joined, with their `$n` numbered from 1, and their parameters. */
const whereOf = (conditions: readonly Condition[], table: string) => {
  let next = 1;
  const sql = ['view IS NOT NULL', ...conditions.map((c) => c.sql.replaceAll(THIS_TABLE, table).replaceAll('$?', () => `$${next++}`))].join(' AND ');
  return { sql, params: conditions.flatMap((c) => c.params), next };
};

/** One run of a sorted list (list-page.ts) as SQL: a range of the sort's index, read forwards or backwards. */
const scanSql = (table: string, conditions: readonly Condition[], scan: Scan) => {
  const order = scan.descending ? 'DESC' : 'ASC';
  const beyond = scan.descending ? '<' : '>';
  const column = scan.field === 'id' ? 'NULL::text' : SORT_COLUMNS[scan.field];
  const { from } = scan;
  const range: Condition[] =
    scan.run === 'values'
      ? [{ sql: `${column} IS NOT NULL`, params: [] }, ...(from === undefined ? [] : [{ sql: `(${column}, sort_key) ${beyond} ($?, $?)`, params: [from.value, from.key] }])]
      : [...(scan.run === 'nulls' ? [{ sql: `${column} IS NULL`, params: [] }] : []), ...(from === undefined ? [] : [{ sql: `sort_key ${beyond} $?`, params: [from.key] }])];
  const where = whereOf([...conditions, ...range], table);
  const ordered = scan.run === 'values' ? `${column} ${order}, sort_key ${order}` : `sort_key ${order}`;
  return {
    sql: `SELECT sort_key, ${column} AS value, view FROM ${table} WHERE ${where.sql} ORDER BY ${ordered} LIMIT $${where.next}`,
    params: [...where.params, scan.limit],
  };
};

/** Each matching row's value of a facet's field, folded and as written (a contact's tags: a pair per tag). */
const facetSource = (table: string, field: string, where: string, has: Has): string => {
  if (field === 'tag') {
    return has('tags_fold')
      ? `SELECT g.fold, g.value FROM (SELECT tags, tags_fold FROM ${table} WHERE ${where}) AS r, unnest(r.tags, r.tags_fold) AS g(value, fold)`
      : `SELECT g.value AS fold, g.value FROM (SELECT tags FROM ${table} WHERE ${where}) AS r, unnest(r.tags) AS g(value)`;
  }
  const fold = has(`${field}_fold`) ? `${field}_fold` : field;
  return `SELECT ${fold} AS fold, ${field} AS value FROM ${table} WHERE ${where} AND ${fold} IS NOT NULL`;
};

/** Counts per folded value, each named by its most common spelling (then the first in byte order), the most frequent first. */
const facetSql = (source: string, limit: number): string =>
  `SELECT value, total::int AS count FROM (
     SELECT fold, value, sum(count(*)) OVER (PARTITION BY fold) AS total,
       row_number() OVER (PARTITION BY fold ORDER BY count(*) DESC, value COLLATE "C") AS place
     FROM (${source}) AS v GROUP BY fold, value) AS f
   WHERE place = 1 ORDER BY count DESC, fold COLLATE "C" LIMIT $${limit}`;

type Work<A> = (client: Client, table: string, has: Has) => Promise<A>;

/** The columns of each table, read once: a table's layout never changes (a new layout is a new table). */
const tableColumnsOf = (schema: string) => {
  const known = new Map<string, ReadonlySet<string>>();
  return async (client: Sql | Client, table: string): Promise<Has> => {
    let columns = known.get(table);
    if (columns === undefined) {
      const { rows } = await client.query<{ name: string }>('SELECT column_name AS name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [
        schema,
        table,
      ]);
      columns = new Set(rows.map((row) => row.name));
      known.set(table, columns);
    }
    const found = columns;
    return (column) => found.has(column);
  };
};

/**
 * `work` over the projection's live table, in one REPEATABLE READ transaction with the catalog that names it; a swap
 * that dropped the table meanwhile (42P01) is read again, once, from the new catalog.
 */
const readLive = async <A>(sql: Sql, schema: string, columnsOf: ReturnType<typeof tableColumnsOf>, projection: string, work: Work<A>): Promise<A> => {
  const s = safeName(schema);
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(sql, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM ${s}.read_models WHERE name = $1`, [projection]);
        const table = rows[0]?.table_name;
        if (table === undefined) throw new Error(`no read model for projection ${projection}`);
        return work(client, `${s}.${safeName(table)}`, await columnsOf(client, table));
      });
    } catch (error) {
      if (attempt > 0 || sqlState(error) !== '42P01') throw error;
    }
  }
};

/** A page of a sorted list (list-page.ts), its scans in the transaction that read the catalog. */
const sortedPage = async <P extends ListedProjection>(
  client: Client,
  table: string,
  has: Has,
  projection: P,
  filters: ListFilters[P],
  page: PageRequest<P>,
): Promise<E.Either<ListRefusal, Page<unknown>>> => {
  const { field } = sortOf(page.sort);
  if (field !== 'id' && !has(SORT_COLUMNS[field])) return E.left({ kind: 'sort_unavailable', sort: page.sort });
  const conditions = conditionsOf[projection](filters, has);
  return E.right(
    await readAwaiting(listPage(page.sort, page.cursor, page.limit), async (scan) => {
      const { sql, params } = scanSql(table, conditions, scan);
      return (await client.query<ScannedRow>(sql, params)).rows;
    }),
  );
};

/** A list's facets (list-facets.ts), each field counted under the other filters. */
const facetCounts = async <P extends ListedProjection>(client: Client, table: string, has: Has, projection: P, filters: ListFilters[P]): Promise<Facets<P>> => {
  const fields: readonly FacetField<P>[] = FACET_FIELDS[projection];
  const facets: Partial<Facets<P>> = {};
  for (const field of fields) {
    const where = whereOf(conditionsOf[projection](filtersBeside(filters, field), has), table);
    const { rows } = await client.query<FacetValue>(facetSql(facetSource(table, field, where.sql, has), where.next), [...where.params, MAX_FACET_VALUES + 1]);
    facets[field] = facetOf(rows);
  }
  return facets as Facets<P>;
};

/** A live table, its lookup by key, and the name that lookup is prepared under on each connection of the pool. */
type LiveTable = { readonly byKey: string; readonly text: string };

/**
 * Each projection's live table as the catalog last named it. A swap drops the table it replaces (and forgetAll drops
 * them all), so a name stays good until a read finds its table gone (42P01): then the catalog is read again.
 */
const liveTables = (sql: Sql, schema: string, columnsOf: ReturnType<typeof tableColumnsOf>) => {
  const known = new Map<string, LiveTable>();
  let prepared = 0;
  return {
    of: async (projection: string): Promise<LiveTable> => {
      const cached = known.get(projection);
      if (cached !== undefined) return cached;
      const { rows } = await sql.query<{ table_name: string }>(`SELECT table_name FROM ${safeName(schema)}.read_models WHERE name = $1`, [projection]);
      const table = rows[0]?.table_name;
      if (table === undefined) throw new Error(`no read model for projection ${projection}`);
      // The contacts' `deleted` column, so that the view is answered as stored, without parsing it on the request
      // thread (PostgreSQL's json operators cannot read a view holding \u0000 either).
      const deleted = (await columnsOf(sql, table))('deleted') ? 'deleted' : 'NULL::boolean';
      const text = `SELECT view, ${deleted} AS deleted FROM ${safeName(schema)}.${safeName(table)} WHERE key = $1`;
      // A statement name of its own per table: a prepared statement's text cannot change under its name.
      const live = { byKey: `skylight_view_by_key_${(prepared += 1)}`, text };
      known.set(projection, live);
      return live;
    },
    forget: (projection: string) => void known.delete(projection),
  };
};

/**
 * The read side over PostgreSQL. A row by its key is one statement on the live table (liveTables); every other answer
 * reads the catalog and the table it names in one REPEATABLE READ transaction (readLive).
 */
export const postgresReadModelQueries = (sql: Sql, schema: string): ReadModelQueries => {
  const columnsOf = tableColumnsOf(schema);
  const read = <A>(projection: string, work: Work<A>) => readLive(sql, schema, columnsOf, projection, work);
  const live = liveTables(sql, schema, columnsOf);
  // One statement, one round trip: a single row needs no snapshot shared with the catalog. Prepared (named), so that
  // PostgreSQL parses and plans it once per connection.
  const storedRow = async (projection: string, key: string): Promise<{ view: string | null; deleted: boolean | null } | undefined> => {
    for (let attempt = 0; ; attempt++) {
      const { byKey, text } = await live.of(projection);
      try {
        return (await sql.query<{ view: string | null; deleted: boolean | null }>({ name: byKey, text, values: [key] })).rows[0];
      } catch (error) {
        if (attempt > 0 || sqlState(error) !== '42P01') throw error;
        live.forget(projection);
      }
    }
  };

  return {
    view: async <V>(projection: string, key: string) => {
      const json = (await storedRow(projection, key))?.view;
      return json == null ? undefined : (JSON.parse(json) as V);
    },
    storedView: async (projection, key) => {
      const row = await storedRow(projection, key);
      return row?.view == null ? undefined : { json: row.view, deleted: row.deleted === true };
    },
    list: <P extends ListedProjection, V>(projection: P, filters: ListFilters[P], page: PageRequest<P>) =>
      read(projection, async (client, table, has) => (await sortedPage(client, table, has, projection, filters, page)) as E.Either<ListRefusal, Page<V>>),
    facets: <P extends ListedProjection>(projection: P, filters: ListFilters[P]) =>
      read(projection, (client, table, has) => facetCounts(client, table, has, projection, filters)),
    countByStatus: (projection, filters) =>
      read(projection, async (client, table, has) => {
        const where = whereOf(conditionsOf[projection](filters, has), table);
        const { rows } = await client.query<{ value: string | null; n: number }>(
          `SELECT status AS value, count(*)::int AS n FROM ${table} WHERE ${where.sql} GROUP BY status`,
          where.params,
        );
        return Object.fromEntries(rows.map((row) => [row.value ?? 'unknown', row.n]));
      }),
    latest: <P extends keyof LatestBy, V>(projection: P, filters: ListFilters[P]) =>
      read(projection, async (client, table, has) => {
        const where = whereOf(conditionsOf[projection](filters, has), table);
        const { rows } = await client.query<{ view: string }>(
          `SELECT view FROM ${table} WHERE ${where.sql} ORDER BY ${LATEST_COLUMN[projection]} DESC NULLS LAST LIMIT 1`,
          where.params,
        );
        return rows[0] === undefined ? undefined : (JSON.parse(rows[0].view) as V);
      }),
  };
};
