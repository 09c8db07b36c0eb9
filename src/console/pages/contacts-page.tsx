import { useEffect, useRef } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { getJson, withQuery } from '../api';
import type { Contact, ContactFacetsView, Page } from '../api-types';
import { FilterForm, Pager, SelectFilter, sortingOf, TextFilter } from '../components/filter-form';
import { DataTable, type Columns } from '../components/data-table';
import { Badge, Show } from '../components/status';
import { Time } from '../components/time';
import { Value } from '../components/value';
import { useApi } from '../use-api';
import { entityHref } from '../entity-href';
import { contactName } from '../components/contact-link';
import { Tags } from '../components/tags';
import { useTitle } from '../use-title';

const FILTERS = ['q', 'tag', 'status', 'type', 'blacklisted', 'include_deleted'] as const;

export const ContactBadges = ({ contact }: { contact: Contact }) => (
  <>
    {contact.partial && <Badge kind="partial">partial</Badge>}
    {contact.deleted && <Badge kind="deleted">deleted</Badge>}
    {contact.forgotten !== undefined && <Badge kind="erased">erased</Badge>}
    {contact.blacklisted === true && <Badge kind="blacklisted">blacklisted</Badge>}
  </>
);

const CONTACT_COLUMNS: Columns<Contact> = [
  {
    header: 'Name',
    sort: 'name',
    cell: (contact) => (
      <>
        <a href={entityHref('contacts', contact.id)}>
          <Value value={contactName(contact)} clip />
        </a>{' '}
        <ContactBadges contact={contact} />
      </>
    ),
  },
  { header: 'Email', cell: (contact) => contact.email },
  { header: 'Phone', cell: (contact) => contact.phone },
  { header: 'Type', cell: (contact) => contact.type },
  { header: 'Status', cell: (contact) => contact.status },
  { header: 'Tags', cell: (contact) => <Tags tags={contact.tags ?? []} /> },
  { header: 'Updated', cell: (contact) => <Time value={contact.updated_at ?? contact.created_at} />, sort: 'updated_at' },
];

export const ContactsPage = () => {
  const { query } = useLocation();
  const filters = Object.fromEntries(FILTERS.map((key) => [key, query[key]]));
  const path = withQuery('/contacts', { ...filters, sort: query['sort'], cursor: query['cursor'] });
  const contacts = useApi(path, () => getJson<Page<Contact>>(path));
  const facetsPath = withQuery('/contacts/facets', filters);
  const facets = useApi(facetsPath, () => getJson<ContactFacetsView>(facetsPath));
  const offered = facets.state === 'ready' ? facets.data : undefined;
  const { cursor: _cursor, ...shown } = query;
  useTitle(query['q'] === undefined ? 'Contacts' : `“${query['q']}” in contacts`);
  // `autofocus` works on page load only; arriving here from another view must put the cursor in the search box too.
  const searchBox = useRef<HTMLInputElement>(null);
  useEffect(() => searchBox.current?.focus(), []);
  return (
    <main id="content">
      <h1>Contacts</h1>
      <FilterForm path="/console/contacts" label="Contacts">
        <label class="search">
          Search contacts
          <input ref={searchBox} name="q" type="search" defaultValue={query['q'] ?? ''} placeholder="name, email or phone" />
        </label>
        <TextFilter name="tag" label="Tag" value={query['tag']} facet={offered?.tag} />
        <TextFilter name="status" label="Status" value={query['status']} facet={offered?.status} />
        <TextFilter name="type" label="Type" value={query['type']} facet={offered?.type} />
        <SelectFilter name="blacklisted" label="Blacklisted" value={query['blacklisted']} options={[['true', 'yes'], ['false', 'no']]} />
        <label class="check">
          <input name="include_deleted" type="checkbox" value="true" defaultChecked={query['include_deleted'] === 'true'} />
          Include deleted
        </label>
        <button type="submit">Search</button>
      </FilterForm>
      <Show loaded={contacts}>
        {(page) => (
          <>
            <DataTable
              rows={page.items}
              columns={CONTACT_COLUMNS}
              rowKey={(contact) => contact.id}
              empty="No contact matches."
              sorting={sortingOf('/console/contacts', query)}
            />
            <Pager path="/console/contacts" query={shown} page={page} />
          </>
        )}
      </Show>
    </main>
  );
};
