import type { ListedProjection, ListFilters } from './list-filters.js';

/**
 * The values the open-ended fields of a list take, counted, so that a filter can offer them. Values that differ
 * only in case or accents are one value (the filters match them alike), shown as its most common spelling. The
 * counts of a field are taken under the list's other filters, not its own, so that it still offers the others.
 */
export const FACET_FIELDS = {
  contacts: ['status', 'type', 'tag'],
  bookings: ['status'],
  tickets: ['status', 'priority'],
  deliveries: [],
} as const satisfies { readonly [P in ListedProjection]: readonly (keyof ListFilters[P])[] };

export type FacetField<P extends ListedProjection = ListedProjection> = (typeof FACET_FIELDS)[P][number];

/** Values a facet names at most, the most frequent first: a field a sender fills with anything stays one small answer. */
export const MAX_FACET_VALUES = 50;

export type FacetValue = { readonly value: string; readonly count: number };
export type Facet = { readonly values: FacetValue[]; readonly more: boolean };
export type Facets<P extends ListedProjection = ListedProjection> = Record<FacetField<P>, Facet>;

/** A facet from its counted values, read in order (count, then folded value) up to one beyond the bound. */
export const facetOf = (counted: readonly FacetValue[]): Facet => ({ values: counted.slice(0, MAX_FACET_VALUES), more: counted.length > MAX_FACET_VALUES });

/** The filters a field's values are counted under: the list's, but its own. */
export const filtersBeside = <P extends ListedProjection>(filters: ListFilters[P], field: FacetField<P>): ListFilters[P] => ({ ...filters, [field]: undefined });
