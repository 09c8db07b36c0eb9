import type { SortField } from '../list-sort.js';
import type { ReadModelDb } from '../read-model-db.js';

/**
 * A column a read-model table keeps beside the JSON view, so that list filters use indexes: which fields of the
 * view it is read from, and how. `text`: the field as text; `flag`: a boolean as 0 or 1; `micros`: a timestamp in
 * microseconds; `search`: the contact's search text (searchText); `fold`: the field folded (foldedValue), which the
 * filters match; `folds`: a list's values folded, as a JSON array; `name`: the name's place in the name order
 * (nameSortKey). A view without the field gives `otherwise` (null unless said); a row without a view has every column
 * null.
 */
export type Column = {
  readonly name: string;
  readonly type: 'TEXT' | 'INTEGER';
  readonly read: 'text' | 'flag' | 'micros' | 'search' | 'fold' | 'folds' | 'name';
  readonly fields: readonly string[];
  /** Indexed with sort_key last, so that a filtered page is read in order without sorting. */
  readonly indexed: boolean;
  /** An indexed column whose value changes with most writes (the time of the latest change): an update sets it. */
  readonly moves?: boolean;
  readonly otherwise?: number;
};

const text = (name: string, indexed = true): Column => ({ name, type: 'TEXT', read: 'text', fields: [name], indexed });
const micros = (name: string, field: string, indexed: boolean): Column => ({ name, type: 'INTEGER', read: 'micros', fields: [field], indexed });
const fold = (field: string): Column => ({ name: `${field}_fold`, type: 'TEXT', read: 'fold', fields: [field], indexed: true });

/**
 * Per projection name; a projection without an entry is stored by key only. The filters of open-ended fields go
 * through their folded column; the field as it is names a facet's value. A column added here needs its projection's
 * version bumped: tables are made whole, never altered, and an older table keeps serving until its rebuild is in.
 */
const LAYOUTS: Readonly<Record<string, readonly Column[]>> = {
  contacts: [
    text('status', false),
    fold('status'),
    text('type', false),
    fold('type'),
    { name: 'tags_fold', type: 'TEXT', read: 'folds', fields: ['tags'], indexed: false },
    { name: 'blacklisted', type: 'INTEGER', read: 'flag', fields: ['blacklisted'], indexed: true },
    { name: 'deleted', type: 'INTEGER', read: 'flag', fields: ['deleted'], indexed: true, otherwise: 0 },
    { name: 'search', type: 'TEXT', read: 'search', fields: [], indexed: false },
    { name: 'name_sort', type: 'TEXT', read: 'name', fields: ['name'], indexed: true },
    { ...micros('updated_at_us', 'updated_at', true), moves: true },
  ],
  bookings: [text('contact_id'), text('status'), micros('starts_at_us', 'starts_at', true), micros('updated_at_us', 'updated_at', false)],
  tickets: [text('contact_id'), text('status', false), fold('status'), text('priority', false), fold('priority'), micros('created_at_us', 'created_at', true)],
  // An attempt's row has a delivery id and no outcome: lists leave it out, a search by delivery id finds it.
  deliveries: [text('event'), text('outcome'), text('entity'), text('delivery_id')],
};

/** The column each sort (list-sort.ts) reads, indexed with sort_key after it: a page is a range of that index. */
export const SORT_COLUMNS: { readonly [F in Exclude<SortField, 'id'>]: string } = {
  name: 'name_sort',
  updated_at: 'updated_at_us',
  starts_at: 'starts_at_us',
  created_at: 'created_at_us',
};

export const columnsOf = (projectionName: string): readonly Column[] => LAYOUTS[projectionName] ?? [];

/**
 * A projection's table: the key, its sort key, the state and the view as JSON text, and the filter columns. A
 * scratch table is made without its indexes (`indexed: false`): a fill then appends rows, and each index is built
 * in one sort when the table goes into service (createProjectionIndexes), instead of row by row at random places.
 */
export const createProjectionTable = (db: ReadModelDb, projectionName: string, tableName: string, { indexed = true } = {}): void => {
  const columns = columnsOf(projectionName);
  db.exec(`CREATE TABLE IF NOT EXISTS ${tableName} (
    key TEXT PRIMARY KEY, sort_key TEXT NOT NULL, state TEXT NOT NULL, view TEXT${columns.map((c) => `, ${c.name} ${c.type}`).join('')})`);
  if (indexed) createProjectionIndexes(db, projectionName, tableName);
};

/** The indexes a projection's lists and filters read; those the table has already are left as they are. */
export const createProjectionIndexes = (db: ReadModelDb, projectionName: string, tableName: string): void => {
  db.exec(`CREATE UNIQUE INDEX IF NOT EXISTS ${tableName}_sort ON ${tableName} (sort_key)`);
  for (const { name } of columnsOf(projectionName).filter((c) => c.indexed)) {
    db.exec(`CREATE INDEX IF NOT EXISTS ${tableName}_${name} ON ${tableName} (${name}, sort_key)`);
  }
};
