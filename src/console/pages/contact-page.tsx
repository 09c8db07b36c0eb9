import { useLocation, useRoute } from 'preact-iso';
import { ApiError, getJson, withQuery } from '../api';
import type { Audit, Booking, Contact, Conversation, Page, Summary, Ticket } from '../api-types';
import { BookingTable } from '../components/booking-table';
import { ConversationView } from '../components/conversation';
import { Crumbs } from '../components/crumbs';
import { Fields } from '../components/fields';
import { RawEvents } from '../components/raw-events';
import { Empty, FailureBanner, Show } from '../components/status';
import { TicketTable } from '../components/ticket-table';
import { Time } from '../components/time';
import { Timeline } from '../components/timeline';
import { Value } from '../components/value';
import { download } from '../download';
import { fromLocalInput, toLocalInput } from '../local-time-input';
import { useApi } from '../use-api';
import { ContactBadges } from './contacts-page';
import { entityHref } from '../entity-href';
import { counted } from '../plural';
import { useTitle } from '../use-title';
import { contactName } from '../components/contact-link';
import { Erasure, type Forgetting } from '../components/erasure';

const ALL = '500';

/** A conversation may not exist (no message yet): that is an empty section, not an error. */
const orNone = <T,>(load: Promise<T>): Promise<T | null> =>
  load.catch((error: unknown) => {
    if (error instanceof ApiError && error.failure.kind === 'not_found') return null;
    throw error;
  });

const Heading = ({ contact }: { contact: Contact }) => (
  <h1>
    <Value value={contactName(contact)} clip /> <ContactBadges contact={contact} />
  </h1>
);

const AsOf = ({ id, asOf }: { id: string; asOf: string | undefined }) => {
  const { route } = useLocation();
  const path = asOf === undefined ? null : withQuery(`/contacts/${encodeURIComponent(id)}`, { as_of: asOf });
  const then = useApi(path, () => getJson<Contact>(path ?? '', [200, 410]));
  const submit = (event: Event) => {
    event.preventDefault();
    const value = new FormData(event.currentTarget as HTMLFormElement).get('as_of');
    const instant = typeof value === 'string' ? fromLocalInput(value) : undefined;
    route(withQuery(entityHref('contacts', id), { as_of: instant }));
  };
  return (
    <>
      <form key={asOf ?? ''} class="filters" onSubmit={submit}>
        <label>
          Contact as of
          <input name="as_of" type="datetime-local" step={1} defaultValue={toLocalInput(asOf)} />
        </label>
        <button type="submit">Show the contact as it was</button>
      </form>
      {path === null ? (
        <p class="muted">Pick a date and time (your time zone) to see the contact as the log knew it then, by business time.</p>
      ) : then.state === 'failed' && then.failure.kind === 'not_found' ? (
        <Empty>Nothing was known about this contact at that time.</Empty>
      ) : (
        <Show loaded={then}>
          {(contact) => (
            <div data-testid="as-of-contact">
              <p>
                As of{' '}
                <strong>
                  <Time value={asOf} />
                </strong> <ContactBadges contact={contact} />
              </p>
              <Fields entity={contact} skip={['deleted', 'partial', 'forgotten']} erased={contact.forgotten !== undefined} />
            </div>
          )}
        </Show>
      )}
    </>
  );
};

/** An erased contact says so first: when, why, by which erasure, and what the marked fields mean. */
const ErasureNotice = ({ forgotten }: { forgotten: Forgetting }) => (
  <div class="banner notice" data-testid="erasure-notice">
    <strong>Personal data</strong> <Erasure forgotten={forgotten} /> The fields marked <span class="erased">erased</span> held personal data; the
    rest is what the log keeps.
  </div>
);

const ContactFields = ({ contact }: { contact: Contact }) => (
  <>
    <Heading contact={contact} />
    {contact.forgotten !== undefined && <ErasureNotice forgotten={contact.forgotten} />}
    {contact.deleted && <p class="banner notice">This contact was deleted: what follows is its tombstone, the last state before deletion.</p>}
    {contact.partial && <p class="banner notice">Partial: no contact.created was seen; the fields come from other events only.</p>}
    <Fields entity={contact} skip={['deleted', 'partial', 'forgotten']} erased={contact.forgotten !== undefined} />
  </>
);

const SummaryList = ({ summary }: { summary: Summary }) => (
  <ul class="summary" aria-label="Summary">
    <li>{counted(summary.messages, 'message')}</li>
    <li>{counted(summary.open_tickets, 'open ticket')}</li>
    {Object.entries(summary.bookings).map(([status, count]) => (
      <li key={status}>{counted(count, `${status} booking`)}</li>
    ))}
  </ul>
);

const AuditDownloads = ({ id }: { id: string }) => {
  const base = `/contacts/${encodeURIComponent(id)}`;
  const failedDownload = (error: unknown) => window.alert(error instanceof Error ? error.message : String(error));
  return (
    <div class="actions">
      <button type="button" onClick={() => download(`${base}/audit?format=csv`, `contact-${id}-audit.csv`).catch(failedDownload)}>
        Download audit as CSV
      </button>
      <button type="button" onClick={() => download(`${base}/audit`, `contact-${id}-audit.json`).catch(failedDownload)}>
        Download audit as JSON
      </button>
    </div>
  );
};

/**
 * The page until its contact is in. The sections load meanwhile but show only with it: an unknown contact's sections
 * would each say "not found" in their own words before the contact's own answer came. Unknown here means unknown to
 * the log too (the read model holds every contact ever seen): no sections then.
 */
const ContactNotShown = ({ id, contact }: { id: string; contact: ReturnType<typeof useApi<Contact>> }) => (
  <main id="content">
    <Crumbs list="Contacts" href="/console/contacts" id={id} />
    {contact.state === 'failed' ? (
      <>
        <h1>Contact {id}</h1>
        <FailureBanner failure={contact.failure} onRetry={contact.reload} />
      </>
    ) : (
      <Show loaded={contact}>{() => null}</Show>
    )}
  </main>
);

export const ContactPage = () => {
  const { params, query } = useRoute();
  const id = params['id'] ?? '';
  const base = `/contacts/${encodeURIComponent(id)}`;
  const contact = useApi(`contact/${id}`, () => getJson<Contact>(base, [200, 410]));
  const summary = useApi(`summary/${id}`, () => getJson<Summary>(`${base}/summary`));
  const audit = useApi(`audit/${id}`, () => getJson<Audit>(`${base}/audit`));
  const conversation = useApi(`conversation/${id}`, () => orNone(getJson<Conversation>(`${base}/conversation`)));
  const bookings = useApi(`bookings/${id}`, () => getJson<Page<Booking>>(withQuery('/bookings', { contact_id: id, limit: ALL })));
  const tickets = useApi(`tickets/${id}`, () => getJson<Page<Ticket>>(withQuery('/tickets', { contact_id: id, limit: ALL })));
  useTitle(contact.state === 'ready' ? contactName(contact.data) : `Contact ${id}`);
  if (contact.state !== 'ready') return <ContactNotShown id={id} contact={contact} />;
  const erased = contact.data.forgotten !== undefined;
  return (
    <main id="content">
      <Crumbs list="Contacts" href="/console/contacts" id={id} />
      <ContactFields contact={contact.data} />
      <Show loaded={summary}>{(s) => <SummaryList summary={s} />}</Show>
      <nav class="sections" aria-label="Sections">
        <a href="#timeline">Timeline</a> <a href="#conversation">Conversation</a> <a href="#bookings">Bookings</a> <a href="#tickets">Tickets</a>{' '}
        <a href="#as-of">As of</a> <a href="#raw-events">Raw events</a>
      </nav>
      <section id="timeline" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <AuditDownloads id={id} />
        <Show loaded={audit}>{(a) => <Timeline entries={a.entries} erased={erased} />}</Show>
      </section>
      <section id="conversation" aria-labelledby="conversation-heading">
        <h2 id="conversation-heading">Conversation</h2>
        <Show loaded={conversation}>{(c) => (c === null ? <Empty>No messages.</Empty> : <ConversationView conversation={c} />)}</Show>
      </section>
      <section id="bookings" aria-labelledby="bookings-heading">
        <h2 id="bookings-heading">Bookings</h2>
        <Show loaded={bookings}>{(page) => <BookingTable bookings={page.items} ofContact />}</Show>
      </section>
      <section id="tickets" aria-labelledby="tickets-heading">
        <h2 id="tickets-heading">Tickets</h2>
        <Show loaded={tickets}>{(page) => <TicketTable tickets={page.items} ofContact />}</Show>
      </section>
      <section id="as-of" aria-labelledby="as-of-heading">
        <h2 id="as-of-heading">As of</h2>
        <AsOf id={id} asOf={query['as_of']} />
      </section>
      <section id="raw-events" aria-labelledby="raw-events-heading">
        <h2 id="raw-events-heading">Raw events</h2>
        <RawEvents kind="contacts" id={id} />
      </section>
    </main>
  );
};
