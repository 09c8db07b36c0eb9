import type { ListedProjection } from './list-filters.js';

/**
 * The orders each list can be read in, over the whole result: by id (the default) or by one of its fields, each
 * ascending or, written with a leading `-`, descending. Rows without a value for the field come last either way;
 * rows with the same value are in id order (reversed with the sort), so that the order is total and a page's cursor
 * always names one place in it.
 */
export const SORT_FIELDS = {
  contacts: ['id', 'name', 'updated_at'],
  bookings: ['id', 'starts_at'],
  tickets: ['id', 'created_at'],
  // Its sort key is the order: newest first.
  deliveries: ['id'],
} as const satisfies { readonly [P in ListedProjection]: readonly string[] };

export type SortField<P extends ListedProjection = ListedProjection> = (typeof SORT_FIELDS)[P][number];

/** A sort as the query string spells it: `name`, `-name`. */
export type SortText<P extends ListedProjection = ListedProjection> = SortField<P> | `-${SortField<P>}`;

export type ListSort = { readonly field: SortField; readonly descending: boolean };

export const sortTexts = <P extends ListedProjection>(projection: P): SortText<P>[] =>
  SORT_FIELDS[projection].flatMap((field) => [field, `-${field}`] as SortText<P>[]);

export const sortOf = (text: SortText): ListSort =>
  text.startsWith('-') ? { field: text.slice(1) as SortField, descending: true } : { field: text as SortField, descending: false };
