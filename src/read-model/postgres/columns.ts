import { toMicros } from '../../events/timestamp.js';
import { foldedValue, foldedValues, nameSortKey, searchText } from '../../../projections/view-row.js';

/**
 * A typed column a projection table keeps beside the view's JSON text: for the API's filters, and for people's SQL
 * (`shown` ones appear in the schema's views). A `timestamptz` is written as microseconds since the epoch and turned
 * into the time by PostgreSQL (see insertRowsSql): exact, whatever the session's time zone, year 0 included.
 */
export type Column = {
  readonly name: string;
  readonly type: 'text' | 'boolean' | 'bigint' | 'text[]' | 'timestamptz' | 'jsonb';
  readonly shown: boolean;
  /** Compared byte by byte (`COLLATE "C"`), as SQLite compares text: sorts and facets order the same on both. */
  readonly bytewise?: boolean;
  readonly of: (view: Readonly<Record<string, unknown>>) => unknown;
};

/** What `text` and `jsonb` cannot hold (U+0000, a lone surrogate) reads as U+FFFD; the view's JSON keeps the original. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const storable = (text: string): string => text.replace(UNSTORABLE, '\uFFFD');

const storableJson = (value: unknown): unknown => {
  if (typeof value === 'string') return storable(value);
  if (Array.isArray(value)) return value.map(storableJson);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([field, v]) => [storable(field), storableJson(v)]));
};

const text = (value: unknown): string | null => (value === null || value === undefined ? null : storable(String(value)));
const flag = (value: unknown): boolean | null => (typeof value === 'boolean' ? value : null);
const micros = (value: unknown): number | null => {
  const at = typeof value === 'string' || typeof value === 'number' ? toMicros(value) : Number.NaN;
  return Number.isFinite(at) ? at : null;
};
const jsonText = (value: unknown): string => JSON.stringify(storableJson(value));

const INT8_MAX = 9_223_372_036_854_775_807n;

/** An id as `bigint` (its decimal digits, cast by PostgreSQL); null when it is not an integer `bigint` holds. */
const bigintId = (value: unknown): string | null => {
  const digits = typeof value === 'number' ? String(value) : value;
  return typeof digits === 'string' && /^\d{1,19}$/.test(digits) && BigInt(digits) <= INT8_MAX ? digits : null;
};

/** The fields a view names that have no column of their own: the payloads' extra fields and the row's own notes. */
const extraOf = (view: Readonly<Record<string, unknown>>, columns: ReadonlySet<string>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(view).filter(([field]) => !columns.has(field)));

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

const shown = (name: string, type: Column['type'], of: Column['of']): Column => ({ name, type, shown: true, of });
const hidden = (name: string, type: Column['type'], of: Column['of']): Column => ({ name, type, shown: false, of });
/** A hidden column the lists compare by: a folded value (projections/view-row.ts), bytewise. */
const compared = (name: string, type: Column['type'], of: Column['of']): Column => ({ name, type, shown: false, bytewise: true, of });
const foldField = (field: string) => compared(`${field}_fold`, 'text', (v) => text(foldedValue(v[field])));
const textField = (name: string) => shown(name, 'text', (v) => text(v[name]));
const timeField = (name: string) => shown(name, 'timestamptz', (v) => micros(v[name]));
const flagField = (name: string) => shown(name, 'boolean', (v) => flag(v[name]));
const idField = (name: string) => shown(name, 'bigint', (v) => bigintId(v[name]));

/** The columns, then `extra` (jsonb) with every field of the view that none of them holds. */
const withExtra = (columns: readonly Column[]): Column[] => {
  const held = new Set(columns.map((c) => c.name));
  return [...columns, shown('extra', 'jsonb', (v) => jsonText(extraOf(v, held)))];
};

/** The messages of a conversation, a row each, in the form the `messages` view unnests (see public-views.ts). */
const messageRows = (view: Readonly<Record<string, unknown>>): string => {
  const held = new Set(['id', 'direction', 'channel', 'content', 'status', 'sent_at']);
  const messages: unknown[] = Array.isArray(view['messages']) ? view['messages'] : [];
  return jsonText(
    messages.filter(isRecord).map((m) => ({
      id: bigintId(m['id']),
      key: text(m['id']),
      direction: text(m['direction']),
      channel: text(m['channel']),
      content: text(m['content']),
      status: text(m['status']),
      sent_at_us: micros(m['sent_at']),
      extra: extraOf(m, held),
    })),
  );
};

const CONTACTS: readonly Column[] = [
  ...withExtra([
    idField('id'),
    ...['name', 'email', 'phone', 'type', 'status'].map(textField),
    flagField('blacklisted'),
    shown('tags', 'text[]', (v) => (Array.isArray(v['tags']) ? v['tags'].map(text) : [])),
    ...['created_at', 'updated_at', 'deleted_at'].map(timeField),
    shown('deleted', 'boolean', (v) => flag(v['deleted']) ?? false),
    flagField('partial'),
  ]),
  hidden('search', 'text', (v) => text(searchText(v))),
  foldField('status'),
  foldField('type'),
  compared('tags_fold', 'text[]', (v) => foldedValues(v['tags']).map(text)),
  compared('name_sort', 'text', (v) => text(nameSortKey(v['name']))),
  hidden('updated_at_us', 'bigint', (v) => micros(v['updated_at'])),
];

const BOOKINGS: readonly Column[] = [
  ...withExtra([
    idField('id'),
    idField('contact_id'),
    textField('title'),
    textField('status'),
    timeField('starts_at'),
    timeField('ends_at'),
    textField('notes'),
    ...['created_at', 'updated_at', 'cancelled_at', 'completed_at'].map(timeField),
    flagField('partial'),
    shown('anomalies', 'jsonb', (v) => jsonText(v['anomalies'] ?? [])),
  ]),
  hidden('contact_key', 'text', (v) => text(v['contact_id'])),
  hidden('starts_at_us', 'bigint', (v) => micros(v['starts_at'])),
  hidden('updated_at_us', 'bigint', (v) => micros(v['updated_at'])),
];

const TICKETS: readonly Column[] = [
  ...withExtra([idField('id'), idField('contact_id'), ...['subject', 'status', 'priority'].map(textField), timeField('created_at')]),
  hidden('contact_key', 'text', (v) => text(v['contact_id'])),
  hidden('created_at_us', 'bigint', (v) => micros(v['created_at'])),
  foldField('status'),
  foldField('priority'),
];

/** An attempt's row (a delivery id and the events it repeated) has no outcome; the public view leaves it out. */
const DELIVERIES: readonly Column[] = [
  ...['event_id', 'event', 'outcome', 'stream'].map(textField),
  shown('revision', 'bigint', (v) => (typeof v['revision'] === 'number' ? v['revision'] : null)),
  shown('position', 'bigint', (v) => (typeof v['position'] === 'number' ? v['position'] : null)),
  textField('entity'),
  textField('delivery_id'),
  timeField('received_at'),
  textField('reason'),
  shown('attempts', 'jsonb', (v) => jsonText(v['attempts'] ?? [])),
];

const CONVERSATIONS: readonly Column[] = [idField('contact_id'), hidden('message_rows', 'jsonb', messageRows)];

const COLUMNS: Readonly<Record<string, readonly Column[]>> = {
  contacts: CONTACTS,
  bookings: BOOKINGS,
  tickets: TICKETS,
  conversations: CONVERSATIONS,
  deliveries: DELIVERIES,
};

export const columnsOf = (projection: string): readonly Column[] => COLUMNS[projection] ?? [];

/**
 * The columns the API's filters and sorts and people's joins go through (the fields as written for people's SQL, their
 * folded columns for the API's filters). A column added to a table needs its projection's version bumped: tables are
 * made whole, never altered, and an older table keeps serving until its rebuild is in.
 */
export const INDEXED: Readonly<Record<string, readonly string[]>> = {
  contacts: ['id', 'status', 'type', 'blacklisted', 'deleted', 'status_fold', 'type_fold', 'name_sort', 'updated_at_us'],
  bookings: ['contact_key', 'status', 'starts_at_us'],
  tickets: ['contact_key', 'status', 'priority', 'status_fold', 'priority_fold', 'created_at_us'],
  conversations: ['contact_id'],
  deliveries: ['event', 'outcome', 'entity', 'delivery_id'],
};
