import { useLocation, useRoute } from 'preact-iso';
import { getJson, withQuery } from '../api';
import type { Page, Ticket, TicketFacetsView } from '../api-types';
import { Crumbs } from '../components/crumbs';
import { Fields } from '../components/fields';
import { FilterForm, Pager, sortingOf, TextFilter } from '../components/filter-form';
import { RawEvents } from '../components/raw-events';
import { Show } from '../components/status';
import { TicketTable } from '../components/ticket-table';
import { Value } from '../components/value';
import { useApi } from '../use-api';
import { useTitle } from '../use-title';

export const TicketsPage = () => {
  const { query } = useLocation();
  const filters = { status: query['status'], priority: query['priority'] };
  const path = withQuery('/tickets', { ...filters, sort: query['sort'], cursor: query['cursor'] });
  const tickets = useApi(path, () => getJson<Page<Ticket>>(path));
  const facetsPath = withQuery('/tickets/facets', filters);
  const facets = useApi(facetsPath, () => getJson<TicketFacetsView>(facetsPath));
  const offered = facets.state === 'ready' ? facets.data : undefined;
  const { cursor: _cursor, ...shown } = query;
  useTitle('Tickets');
  return (
    <main id="content">
      <h1>Tickets</h1>
      <FilterForm path="/console/tickets" label="Tickets">
        <TextFilter name="status" label="Status" value={query['status']} facet={offered?.status} />
        <TextFilter name="priority" label="Priority" value={query['priority']} facet={offered?.priority} />
        <button type="submit">Show tickets</button>
      </FilterForm>
      <Show loaded={tickets}>
        {(page) => (
          <>
            <TicketTable tickets={page.items} sorting={sortingOf('/console/tickets', query)} />
            <Pager path="/console/tickets" query={shown} page={page} />
          </>
        )}
      </Show>
    </main>
  );
};

export const TicketPage = () => {
  const { params } = useRoute();
  const id = params['id'] ?? '';
  const ticket = useApi(`ticket/${id}`, () => getJson<Ticket>(`/tickets/${encodeURIComponent(id)}`));
  useTitle(ticket.state === 'ready' ? (ticket.data.subject ?? `Ticket ${id}`) : `Ticket ${id}`);
  return (
    <main id="content">
      <Crumbs list="Tickets" href="/console/tickets" id={id} />
      <Show loaded={ticket}>
        {(t) => (
          <>
            <h1>
              <Value value={t.subject ?? `Ticket ${t.id}`} clip />
            </h1>
            <Fields entity={t} />
          </>
        )}
      </Show>
      <section aria-labelledby="raw-events-heading">
        <h2 id="raw-events-heading">Raw events</h2>
        <RawEvents kind="tickets" id={id} />
      </section>
    </main>
  );
};
