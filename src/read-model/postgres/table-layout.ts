import { storedText } from '../read-model-writes.js';
import { rowSortKey } from '../sort-key.js';
import { columnsOf, INDEXED, type Column } from './columns.js';

const SAFE_NAME = /^[a-z_][a-z0-9_]*$/;

/** A schema or table name, checked: names are never parameters in SQL, so nothing else may reach one. */
export const safeName = (name: string): string => {
  if (!SAFE_NAME.test(name)) throw new Error(`${name} cannot name a table or schema`);
  return name;
};

/**
 * The statements that create a projection's table: the view as received (JSON text), the state, the columns. A
 * scratch table is made without its filter indexes (`indexed: false`), built in one pass each when it goes into
 * service (createIndexSql), instead of row by row through its fill.
 */
export const createTableSql = (schema: string, projection: string, table: string, { indexed = true } = {}): string[] => {
  const qualified = `${safeName(schema)}.${safeName(table)}`;
  const columns = columnsOf(projection).map((c) => `, ${c.name} ${c.type}${c.bytewise === true ? ' COLLATE "C"' : ''}`).join('');
  return [
    `CREATE TABLE IF NOT EXISTS ${qualified} (key text PRIMARY KEY, sort_key text COLLATE "C" NOT NULL UNIQUE, state text NOT NULL, view text${columns})`,
    ...(indexed ? createIndexSql(schema, projection, table) : []),
  ];
};

/** The filter indexes of a projection's table; those it has already are left as they are. */
export const createIndexSql = (schema: string, projection: string, table: string): string[] =>
  (INDEXED[projection] ?? []).map((column) => `CREATE INDEX IF NOT EXISTS ${table}_${column} ON ${safeName(schema)}.${safeName(table)} (${column}, sort_key)`);

/** An array's literal, every element quoted: `{"a","b\\"c",NULL}`; a text[] cell is one, and so is each column's array. */
export const arrayLiteral = (values: readonly unknown[]): string =>
  `{${values.map((v) => (v === null || v === undefined ? 'NULL' : `"${String(v).replace(/[\\"]/g, '\\$&')}"`)).join(',')}}`;

/** How a column's values travel in the unnest (`param`) and become the column's type (`cast`). */
const transport = (column: Column): { readonly param: string; readonly cast: (name: string) => string } => {
  switch (column.type) {
    case 'text[]':
      return { param: 'text', cast: (name) => `${name}::text[]` };
    case 'jsonb':
      return { param: 'text', cast: (name) => `${name}::jsonb` };
    case 'timestamptz':
      return { param: 'bigint', cast: (name) => `timestamptz 'epoch' + ${name} * interval '1 microsecond'` };
    default:
      return { param: column.type, cast: (name) => name };
  }
};

/**
 * Column values of rows, one array literal per column, for an `unnest` insert of many rows in one statement. Written
 * here rather than by node-postgres, whose literal is a string grown by concatenation that it then measures and copies:
 * that took a quarter of a rebuild into PostgreSQL (docs/performance.md, issue 21).
 */
export const rowArrays = (projection: string, rows: readonly { key: string; state: unknown; view: unknown }[]): string[] => {
  const columns = columnsOf(projection);
  const arrays: unknown[][] = [[], [], [], [], ...columns.map(() => [])];
  for (const { key, state, view } of rows) {
    const record = view !== null && typeof view === 'object' ? (view as Record<string, unknown>) : undefined;
    arrays[0]?.push(key);
    arrays[1]?.push(rowSortKey(projection, key, view));
    const text = storedText(state, record === undefined ? null : view);
    arrays[2]?.push(text.state);
    arrays[3]?.push(text.view);
    columns.forEach((column, index) => {
      const value = record === undefined ? null : column.of(record);
      arrays[4 + index]?.push(column.type === 'text[]' && Array.isArray(value) ? arrayLiteral(value) : value);
    });
  }
  return arrays.map(arrayLiteral);
};

/** `INSERT … SELECT * FROM unnest(…)`: every row of a commit in one statement. */
export const insertRowsSql = (schema: string, projection: string, table: string, upsert: boolean): string => {
  const columns = columnsOf(projection);
  const names = ['key', 'sort_key', 'state', 'view', ...columns.map((c) => c.name)];
  const types = ['text', 'text', 'text', 'text', ...columns.map((c) => transport(c).param)];
  const casts = ['key', 'sort_key', 'state', 'view', ...columns.map((c) => transport(c).cast(c.name))];
  const conflict = upsert ? ` ON CONFLICT (key) DO UPDATE SET ${names.slice(2).map((n) => `${n} = excluded.${n}`).join(', ')}` : '';
  return `INSERT INTO ${safeName(schema)}.${safeName(table)} (${names.join(', ')})
    SELECT ${casts.join(', ')} FROM unnest(${types.map((type, index) => `$${index + 1}::${type}[]`).join(', ')}) AS r(${names.join(', ')})${conflict}`;
};
