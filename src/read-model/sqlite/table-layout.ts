import { REDACTED } from '../../events/personal-data.js';
import { toMicros, type Timestamp } from '../../events/timestamp.js';

/** Columns a read-model table keeps beside the JSON view, so that list filters use indexes. */
export type TableSpec = {
  readonly columns: Readonly<Record<string, 'TEXT' | 'INTEGER'>>;
  /** Each index ends with sort_key, so a filtered page is read in order without sorting. */
  readonly indexes: readonly (readonly string[])[];
  readonly extract: (view: Record<string, unknown>) => Record<string, string | number | null>;
};

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const flag = (value: unknown): number | null => (typeof value === 'boolean' ? Number(value) : null);
const micros = (value: unknown): number | null =>
  typeof value === 'string' || typeof value === 'number' ? toMicros(value as Timestamp) : null;

const contacts: TableSpec = {
  columns: { status: 'TEXT', type: 'TEXT', blacklisted: 'INTEGER', deleted: 'INTEGER', search: 'TEXT' },
  indexes: [['status'], ['type'], ['blacklisted'], ['deleted']],
  extract: (view) => ({
    status: text(view['status']),
    type: text(view['type']),
    blacklisted: flag(view['blacklisted']),
    deleted: flag(view['deleted']) ?? 0,
    // An erased value is not something to find a contact by.
    search: [view['name'], view['email'], view['phone']].filter((v) => typeof v === 'string' && v !== REDACTED).join('\n').toLowerCase(),
  }),
};

const bookings: TableSpec = {
  columns: { contact_id: 'TEXT', status: 'TEXT', starts_at_us: 'INTEGER', updated_at_us: 'INTEGER' },
  indexes: [['contact_id'], ['status'], ['starts_at_us']],
  extract: (view) => ({
    contact_id: text(view['contact_id']),
    status: text(view['status']),
    starts_at_us: micros(view['starts_at']),
    updated_at_us: micros(view['updated_at']),
  }),
};

const tickets: TableSpec = {
  columns: { contact_id: 'TEXT', status: 'TEXT', priority: 'TEXT', created_at_us: 'INTEGER' },
  indexes: [['contact_id'], ['status'], ['priority']],
  extract: (view) => ({
    contact_id: text(view['contact_id']),
    status: text(view['status']),
    priority: text(view['priority']),
    created_at_us: micros(view['created_at']),
  }),
};

const noColumns: TableSpec = { columns: {}, indexes: [], extract: () => ({}) };

/** Per projection name; a projection without an entry is stored by key only. */
export const tableSpecs: Readonly<Record<string, TableSpec>> = { contacts, bookings, tickets };

export const tableSpecOf = (name: string): TableSpec => tableSpecs[name] ?? noColumns;
