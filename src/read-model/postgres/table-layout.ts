import { REDACTED } from '../../events/personal-data.js';
import { toMicros, type Timestamp } from '../../events/timestamp.js';
import { sortKeyOf } from '../sort-key.js';

/** A typed column a projection table keeps beside the view's JSON text, for filters (and for people's SQL). */
type Column = { readonly name: string; readonly type: 'text' | 'boolean' | 'bigint' | 'text[]'; readonly of: (view: Record<string, unknown>) => unknown };

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const micros = (value: unknown): number | null => (typeof value === 'string' || typeof value === 'number' ? toMicros(value as Timestamp) : null);

const COLUMNS: Readonly<Record<string, readonly Column[]>> = {
  contacts: [
    { name: 'status', type: 'text', of: (v) => text(v['status']) },
    { name: 'type', type: 'text', of: (v) => text(v['type']) },
    { name: 'blacklisted', type: 'boolean', of: (v) => flag(v['blacklisted']) },
    { name: 'deleted', type: 'boolean', of: (v) => flag(v['deleted']) ?? false },
    { name: 'tags', type: 'text[]', of: (v) => (Array.isArray(v['tags']) ? v['tags'].map(String) : []) },
    // An erased value is not something to find a contact by.
    {
      name: 'search',
      type: 'text',
      of: (v) => [v['name'], v['email'], v['phone']].filter((f) => typeof f === 'string' && f !== REDACTED).join('\n').toLowerCase(),
    },
  ],
  bookings: [
    { name: 'contact_id', type: 'text', of: (v) => text(v['contact_id']) },
    { name: 'status', type: 'text', of: (v) => text(v['status']) },
    { name: 'starts_at_us', type: 'bigint', of: (v) => micros(v['starts_at']) },
    { name: 'updated_at_us', type: 'bigint', of: (v) => micros(v['updated_at']) },
  ],
  tickets: [
    { name: 'contact_id', type: 'text', of: (v) => text(v['contact_id']) },
    { name: 'status', type: 'text', of: (v) => text(v['status']) },
    { name: 'priority', type: 'text', of: (v) => text(v['priority']) },
    { name: 'created_at_us', type: 'bigint', of: (v) => micros(v['created_at']) },
  ],
};

const INDEXED: Readonly<Record<string, readonly string[]>> = {
  contacts: ['status', 'type', 'blacklisted', 'deleted'],
  bookings: ['contact_id', 'status', 'starts_at_us'],
  tickets: ['contact_id', 'status', 'priority'],
};

export const columnsOf = (projection: string): readonly Column[] => COLUMNS[projection] ?? [];

const SAFE_NAME = /^[a-z_][a-z0-9_]*$/;

/** A schema or table name, checked: names are never parameters in SQL, so nothing else may reach one. */
export const safeName = (name: string): string => {
  if (!SAFE_NAME.test(name)) throw new Error(`${name} cannot name a table or schema`);
  return name;
};

/** The statements that create a projection's table: the view as received (JSON text), the state, the columns. */
export const createTableSql = (schema: string, projection: string, table: string): string[] => {
  const qualified = `${safeName(schema)}.${safeName(table)}`;
  const columns = columnsOf(projection).map((c) => `, ${c.name} ${c.type}`).join('');
  return [
    `CREATE TABLE IF NOT EXISTS ${qualified} (key text PRIMARY KEY, sort_key text COLLATE "C" NOT NULL UNIQUE, state text NOT NULL, view text${columns})`,
    ...(INDEXED[projection] ?? []).map((column) => `CREATE INDEX IF NOT EXISTS ${table}_${column} ON ${qualified} (${column}, sort_key)`),
  ];
};

/** Column values of rows, one array per column, for an `unnest` insert of many rows in one statement. */
export const rowArrays = (projection: string, rows: readonly { key: string; state: unknown; view: unknown }[]): unknown[][] => {
  const columns = columnsOf(projection);
  const arrays: unknown[][] = [[], [], [], [], ...columns.map(() => [])];
  for (const { key, state, view } of rows) {
    const record = view !== null && typeof view === 'object' ? (view as Record<string, unknown>) : undefined;
    arrays[0]?.push(key);
    arrays[1]?.push(sortKeyOf(key));
    arrays[2]?.push(JSON.stringify(state));
    arrays[3]?.push(record === undefined ? null : JSON.stringify(view));
    columns.forEach((column, index) => {
      const value = record === undefined ? null : column.of(record);
      // A text[] cell goes through unnest of a text[] array as its literal: `{"a","b"}`.
      arrays[4 + index]?.push(column.type === 'text[]' && Array.isArray(value) ? `{${value.map((v) => JSON.stringify(String(v))).join(',')}}` : value);
    });
  }
  return arrays;
};

/** `INSERT … SELECT * FROM unnest(…)`: every row of a commit in one statement. */
export const insertRowsSql = (schema: string, projection: string, table: string, upsert: boolean): string => {
  const columns = columnsOf(projection);
  const names = ['key', 'sort_key', 'state', 'view', ...columns.map((c) => c.name)];
  const types = ['text', 'text', 'text', 'text', ...columns.map((c) => (c.type === 'text[]' ? 'text' : c.type))];
  const casts = names.map((name, index) => (columns[index - 4]?.type === 'text[]' ? `${name}::text[]` : name));
  const conflict = upsert ? ` ON CONFLICT (key) DO UPDATE SET ${names.slice(2).map((n) => `${n} = excluded.${n}`).join(', ')}` : '';
  return `INSERT INTO ${safeName(schema)}.${safeName(table)} (${names.join(', ')})
    SELECT ${casts.join(', ')} FROM unnest(${types.map((type, index) => `$${index + 1}::${type}[]`).join(', ')}) AS r(${names.join(', ')})${conflict}`;
};
