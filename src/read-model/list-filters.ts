import { entityKey, type EntityId } from '../events/entity-id.js';
import type { Condition } from './read-model-queries.js';

const equals = (column: string, value: unknown): Condition[] => (value === undefined ? [] : [{ sql: `${column} = ?`, params: [value] }]);

const likePattern = (text: string): string => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export type ContactFilters = {
  readonly tag?: string | undefined;
  readonly status?: string | undefined;
  readonly type?: string | undefined;
  readonly blacklisted?: boolean | undefined;
  /** Case-insensitive substring of name, email or phone. */
  readonly q?: string | undefined;
  readonly include_deleted?: boolean | undefined;
};

export const contactConditions = (filters: ContactFilters): Condition[] => [
  ...equals('status', filters.status),
  ...equals('type', filters.type),
  ...equals('blacklisted', filters.blacklisted === undefined ? undefined : Number(filters.blacklisted)),
  ...(filters.include_deleted === true ? [] : [{ sql: 'deleted = 0', params: [] }]),
  ...(filters.tag === undefined ? [] : [{ sql: "EXISTS (SELECT 1 FROM json_each(view, '$.tags') WHERE value = ?)", params: [filters.tag] }]),
  ...(filters.q === undefined ? [] : [{ sql: "search LIKE ? ESCAPE '\\'", params: [likePattern(filters.q)] }]),
];

export type BookingFilters = {
  readonly status?: string | undefined;
  readonly contact_id?: EntityId | undefined;
  /** Bounds on starts_at, in microseconds since the epoch (inclusive). */
  readonly from_us?: number | undefined;
  readonly to_us?: number | undefined;
};

export const bookingConditions = (filters: BookingFilters): Condition[] => [
  ...equals('status', filters.status),
  ...equals('contact_id', filters.contact_id === undefined ? undefined : entityKey(filters.contact_id)),
  ...(filters.from_us === undefined ? [] : [{ sql: 'starts_at_us >= ?', params: [filters.from_us] }]),
  ...(filters.to_us === undefined ? [] : [{ sql: 'starts_at_us <= ?', params: [filters.to_us] }]),
];

export type TicketFilters = {
  readonly status?: string | undefined;
  readonly priority?: string | undefined;
  readonly contact_id?: EntityId | undefined;
};

export const ticketConditions = (filters: TicketFilters): Condition[] => [
  ...equals('status', filters.status),
  ...equals('priority', filters.priority),
  ...equals('contact_id', filters.contact_id === undefined ? undefined : entityKey(filters.contact_id)),
];
