import { useLocation, useRoute } from 'preact-iso';
import { getJson, withQuery } from '../api';
import type { Booking, BookingFacetsView, Page } from '../api-types';
import { AnomalyList, BookingTable } from '../components/booking-table';
import { Crumbs } from '../components/crumbs';
import { Fields } from '../components/fields';
import { Pager, SelectFilter, sortingOf, TimeRangeFilter } from '../components/filter-form';
import { RawEvents } from '../components/raw-events';
import { Show } from '../components/status';
import { Value } from '../components/value';
import { fromLocalInput } from '../local-time-input';
import { useApi } from '../use-api';
import { useTitle } from '../use-title';

const STATUSES = ['confirmed', 'cancelled', 'completed'] as const;

/** Each status, with how many bookings the other filters leave in it once the facets are in. */
const statusOptions = (facets: BookingFacetsView | undefined): [string, string][] =>
  STATUSES.map((status) => {
    const count = facets?.status.values.find((counted) => counted.value === status)?.count;
    return [status, facets === undefined ? status : `${status} (${count ?? 0})`];
  });

export const BookingsPage = () => {
  const { query, route, url } = useLocation();
  const filters = { status: query['status'], from: query['from'], to: query['to'] };
  const path = withQuery('/bookings', { ...filters, sort: query['sort'], cursor: query['cursor'] });
  const bookings = useApi(path, () => getJson<Page<Booking>>(path));
  const facetsPath = withQuery('/bookings/facets', filters);
  const facets = useApi(facetsPath, () => getJson<BookingFacetsView>(facetsPath));
  const { cursor: _cursor, ...shown } = query;
  useTitle('Bookings');
  // The date inputs are in the browser's zone; the URL and the API take instants.
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    route(withQuery('/console/bookings', { status: text('status'), from: fromLocalInput(text('from')), to: fromLocalInput(text('to')), sort: query['sort'] }));
  };
  return (
    <main id="content">
      <h1>Bookings</h1>
      <form key={url} class="filters" role="search" aria-label="Bookings" onSubmit={submit}>
        <SelectFilter name="status" label="Status" value={query['status']} options={statusOptions(facets.state === 'ready' ? facets.data : undefined)} />
        <TimeRangeFilter label="Starts" from={query['from']} to={query['to']} />
        <button type="submit">Show bookings</button>
      </form>
      <Show loaded={bookings}>
        {(page) => (
          <>
            <BookingTable bookings={page.items} sorting={sortingOf('/console/bookings', query)} />
            <Pager path="/console/bookings" query={shown} page={page} />
          </>
        )}
      </Show>
    </main>
  );
};

export const BookingPage = () => {
  const { params } = useRoute();
  const id = params['id'] ?? '';
  const booking = useApi(`booking/${id}`, () => getJson<Booking>(`/bookings/${encodeURIComponent(id)}`));
  useTitle(booking.state === 'ready' ? (booking.data.title ?? `Booking ${id}`) : `Booking ${id}`);
  return (
    <main id="content">
      <Crumbs list="Bookings" href="/console/bookings" id={id} />
      <Show loaded={booking}>
        {(b) => (
          <>
            <h1>
              <Value value={b.title ?? `Booking ${b.id}`} clip />
            </h1>
            <Fields entity={b} skip={['anomalies']} />
            <section aria-labelledby="anomalies-heading">
              <h2 id="anomalies-heading">Anomalies</h2>
              <AnomalyList booking={b} />
            </section>
          </>
        )}
      </Show>
      <section aria-labelledby="raw-events-heading">
        <h2 id="raw-events-heading">Raw events</h2>
        <RawEvents kind="bookings" id={id} />
      </section>
    </main>
  );
};
