import { entityKey } from '../../events/entity-id.js';
import { attemptKey } from '../../../projections/deliveries.js';
import type { BookingFilters, ContactFilters, DeliveryFilters, ListedProjection, ListFilters, TicketFilters } from '../list-filters.js';
import { decodeCursor, encodeCursor, type Page } from '../page.js';
import { pageFill } from '../page-fill.js';
import { searchPattern } from '../search-text.js';
import { receivedPrefix } from '../sort-key.js';
import type { LatestBy, ReadModelQueries } from '../read-model-queries.js';
import { inTransaction, sqlState, type Client, type Sql } from './connection.js';
import { safeName } from './table-layout.js';

/** A condition over a projection table's columns; `$?` stands for its parameter, numbered when the query is built. */
type Condition = { readonly sql: string; readonly params: readonly unknown[] };

/** Stands for the table in a condition that reads another of its rows. */
const THIS_TABLE = '{table}';

const equals = (column: string, value: unknown): Condition[] => (value === undefined ? [] : [{ sql: `${column} = $?`, params: [value] }]);

const contactConditions = (f: ContactFilters): Condition[] => [
  ...equals('status', f.status),
  ...equals('type', f.type),
  ...equals('blacklisted', f.blacklisted),
  ...(f.include_deleted === true ? [] : [{ sql: 'deleted = false', params: [] }]),
  ...(f.tag === undefined ? [] : [{ sql: '$? = ANY(tags)', params: [f.tag] }]),
  ...(f.q === undefined ? [] : [{ sql: "search LIKE $? ESCAPE '\\'", params: [searchPattern(f.q)] }]),
];

const bookingConditions = (f: BookingFilters): Condition[] => [
  ...equals('status', f.status),
  ...equals('contact_key', f.contact_id === undefined ? undefined : entityKey(f.contact_id)),
  ...(f.from_us === undefined ? [] : [{ sql: 'starts_at_us >= $?', params: [f.from_us] }]),
  ...(f.to_us === undefined ? [] : [{ sql: 'starts_at_us <= $?', params: [f.to_us] }]),
];

const ticketConditions = (f: TicketFilters): Condition[] => [
  ...equals('status', f.status),
  ...equals('priority', f.priority),
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

const conditionsOf: { readonly [P in ListedProjection]: (filters: ListFilters[P]) => Condition[] } = {
  contacts: contactConditions,
  bookings: bookingConditions,
  tickets: ticketConditions,
  deliveries: deliveryConditions,
};

const LATEST_COLUMN: { readonly [P in keyof LatestBy]: string } = { bookings: 'updated_at_us', tickets: 'created_at_us' };

/** The WHERE clause with its `$n` numbered from `first`, and its parameters. */
const whereOf = (conditions: readonly Condition[], table: string, first = 1) => {
  let next = first;
  const sql = ['view IS NOT NULL', ...conditions.map((c) => c.sql.replaceAll(THIS_TABLE, table).replaceAll('$?', () => `$${next++}`))].join(' AND ');
  return { sql, params: conditions.flatMap((c) => c.params), next };
};

/**
 * `work` over the projection's live table, in one REPEATABLE READ transaction with the catalog that names it; a swap
 * that dropped the table meanwhile (42P01) is read again, once, from the new catalog.
 */
const readLive = async <A>(sql: Sql, schema: string, projection: string, work: (client: Client, table: string) => Promise<A>): Promise<A> => {
  const s = safeName(schema);
  for (let attempt = 0; ; attempt++) {
    try {
      return await inTransaction(sql, async (client) => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const { rows } = await client.query<{ table_name: string }>(`SELECT table_name FROM ${s}.read_models WHERE name = $1`, [projection]);
        const table = rows[0]?.table_name;
        if (table === undefined) throw new Error(`no read model for projection ${projection}`);
        return work(client, `${s}.${safeName(table)}`);
      });
    } catch (error) {
      if (attempt > 0 || sqlState(error) !== '42P01') throw error;
    }
  }
};

/**
 * The read side over PostgreSQL. Each answer reads the catalog and the table it names in one REPEATABLE READ
 * transaction (readLive).
 */
export const postgresReadModelQueries = (sql: Sql, schema: string): ReadModelQueries => {
  const read = <A>(projection: string, work: (client: Client, table: string) => Promise<A>) => readLive(sql, schema, projection, work);
  const viewText = (projection: string, key: string) =>
    read(projection, async (client, table) => (await client.query<{ view: string | null }>(`SELECT view FROM ${table} WHERE key = $1`, [key])).rows[0]?.view ?? undefined);

  return {
    view: async <V>(projection: string, key: string) => {
      const json = await viewText(projection, key);
      return json === undefined ? undefined : (JSON.parse(json) as V);
    },
    storedView: async (projection, key) => {
      const json = await viewText(projection, key);
      return json === undefined ? undefined : { json, deleted: (JSON.parse(json) as { deleted?: unknown }).deleted === true };
    },
    list: async <P extends ListedProjection, V>(projection: P, filters: ListFilters[P], page: { readonly cursor?: string | undefined; readonly limit: number }) =>
      read(projection, async (client, table) => {
        const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor);
        const where = whereOf([...conditionsOf[projection](filters), ...(after === undefined ? [] : [{ sql: 'sort_key > $?', params: [after] }])], table);
        const { rows } = await client.query<{ sort_key: string; view: string }>(
          `SELECT sort_key, view FROM ${table} WHERE ${where.sql} ORDER BY sort_key LIMIT $${where.next}`,
          [...where.params, page.limit + 1],
        );
        const items: V[] = [];
        const fill = pageFill(page.limit);
        let last: string | undefined;
        for (const row of rows) {
          if (fill.full()) return { items, next_cursor: last === undefined ? null : encodeCursor(last) } as Page<V>;
          items.push(JSON.parse(row.view) as V);
          fill.add(row.view.length);
          last = row.sort_key;
        }
        return { items, next_cursor: null } as Page<V>;
      }),
    countByStatus: (projection, filters) =>
      read(projection, async (client, table) => {
        const where = whereOf(conditionsOf[projection](filters), table);
        const { rows } = await client.query<{ value: string | null; n: number }>(
          `SELECT status AS value, count(*)::int AS n FROM ${table} WHERE ${where.sql} GROUP BY status`,
          where.params,
        );
        return Object.fromEntries(rows.map((row) => [row.value ?? 'unknown', row.n]));
      }),
    latest: <P extends keyof LatestBy, V>(projection: P, filters: ListFilters[P]) =>
      read(projection, async (client, table) => {
        const where = whereOf(conditionsOf[projection](filters), table);
        const { rows } = await client.query<{ view: string }>(
          `SELECT view FROM ${table} WHERE ${where.sql} ORDER BY ${LATEST_COLUMN[projection]} DESC NULLS LAST LIMIT 1`,
          where.params,
        );
        return rows[0] === undefined ? undefined : (JSON.parse(rows[0].view) as V);
      }),
  };
};
