import type { Either } from 'fp-ts/lib/Either.js';
import type { ListCursor } from './list-cursor.js';
import type { Facets } from './list-facets.js';
import type { ListFilters, ListedProjection } from './list-filters.js';
import type { SortText } from './list-sort.js';
import type { Page } from './page.js';

/** A view as the runner stored it (its JSON text), answered without parsing it again. */
export type StoredView = { readonly json: string; readonly deleted: boolean };

/** The time field a `latest` orders by. */
export type LatestBy = { readonly bookings: 'updated_at'; readonly tickets: 'created_at' };

/** Which page of a list, in which order. */
export type PageRequest<P extends ListedProjection> = { readonly sort: SortText<P>; readonly cursor?: ListCursor | undefined; readonly limit: number };

/**
 * Why a list cannot be given now: the table serving it was built by an earlier version of its projection, without
 * the column this sort reads; the rebuild under way brings it.
 */
export type ListRefusal = { readonly kind: 'sort_unavailable'; readonly sort: SortText };

/**
 * The read side of the read model: views by key, filtered lists a page at a time, counts. Each answer reads one
 * snapshot, so a rebuild's swap is seen entirely or not at all. Asynchronous, so that a store across the network
 * (PostgreSQL) is one more adapter, not another shape.
 */
export type ReadModelQueries = {
  readonly view: <V>(projection: string, key: string) => Promise<V | undefined>;
  readonly storedView: (projection: string, key: string) => Promise<StoredView | undefined>;
  /** At most `limit` views and about MAX_PAGE_BYTES of them, in the sort's order (listPage); its cursors go on and back. */
  readonly list: <P extends ListedProjection, V = unknown>(projection: P, filters: ListFilters[P], page: PageRequest<P>) => Promise<Either<ListRefusal, Page<V>>>;
  /** The values of the list's open-ended fields among the matching views, counted (list-facets.ts). */
  readonly facets: <P extends ListedProjection>(projection: P, filters: ListFilters[P]) => Promise<Facets<P>>;
  /** How many views match, per value of `status`. */
  readonly countByStatus: <P extends ListedProjection>(projection: P, filters: ListFilters[P]) => Promise<Record<string, number>>;
  /** The matching view with the latest value of the projection's time field. */
  readonly latest: <P extends keyof LatestBy, V = unknown>(projection: P, filters: ListFilters[P]) => Promise<V | undefined>;
};
