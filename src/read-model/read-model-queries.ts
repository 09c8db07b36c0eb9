import type { ListFilters, ListedProjection } from './list-filters.js';
import type { Page } from './page.js';

/** A view as the runner stored it (its JSON text), answered without parsing it again. */
export type StoredView = { readonly json: string; readonly deleted: boolean };

/** The time field a `latest` orders by. */
export type LatestBy = { readonly bookings: 'updated_at'; readonly tickets: 'created_at' };

/**
 * The read side of the read model: views by key, filtered lists a page at a time, counts. Each answer reads one
 * snapshot, so a rebuild's swap is seen entirely or not at all. Asynchronous, so that a store across the network
 * (PostgreSQL) is one more adapter, not another shape.
 */
export type ReadModelQueries = {
  readonly view: <V>(projection: string, key: string) => Promise<V | undefined>;
  readonly storedView: (projection: string, key: string) => Promise<StoredView | undefined>;
  /** At most `limit` views and about MAX_PAGE_BYTES of them, in key order after `cursor`; its cursor continues. */
  readonly list: <P extends ListedProjection, V = unknown>(
    projection: P,
    filters: ListFilters[P],
    page: { readonly cursor?: string | undefined; readonly limit: number },
  ) => Promise<Page<V>>;
  /** How many views match, per value of `status`. */
  readonly countByStatus: <P extends ListedProjection>(projection: P, filters: ListFilters[P]) => Promise<Record<string, number>>;
  /** The matching view with the latest value of the projection's time field. */
  readonly latest: <P extends keyof LatestBy, V = unknown>(projection: P, filters: ListFilters[P]) => Promise<V | undefined>;
};
