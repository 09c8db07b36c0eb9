import type { Ticket } from '../api-types';
import { Badge } from './status';
import { DataTable, type Columns, type Sorting } from './data-table';
import { Time } from './time';
import { Value } from './value';
import { entityHref } from '../entity-href';
import { ContactLink, useContactNames } from './contact-link';

/** Without names (a contact's own page), no contact column: every row is that contact's. */
const ticketColumns = (contactNames: ReadonlyMap<string, string> | undefined): Columns<Ticket> => [
  {
    header: 'Ticket',
    cell: (ticket) => (
      <a href={entityHref('tickets', ticket.id)}>
        <Value value={ticket.subject ?? `ticket ${ticket.id}`} clip />
      </a>
    ),
  },
  { header: 'Status', cell: (ticket) => ticket.status !== null && <Badge kind={`status-${ticket.status}`}>{ticket.status}</Badge> },
  { header: 'Priority', cell: (ticket) => ticket.priority },
  ...(contactNames === undefined
    ? []
    : [{ header: 'Contact', cell: (ticket: Ticket) => ticket.contact_id !== null && <ContactLink id={ticket.contact_id} names={contactNames} /> }]),
  { header: 'Created', cell: (ticket) => <Time value={ticket.created_at} />, sort: 'created_at' },
];

/**
 * Tickets, each linked, with the contact it is about linked by name (`ofContact`: all are one contact's, on its page);
 * with `sorting`, the headers of the sortable columns sort the list.
 */
export const TicketTable = ({ tickets, ofContact = false, sorting }: { tickets: readonly Ticket[]; ofContact?: boolean; sorting?: Sorting }) => {
  const contactNames = useContactNames(ofContact ? [] : tickets.map((ticket) => ticket.contact_id));
  return (
    <DataTable rows={tickets} columns={ticketColumns(ofContact ? undefined : contactNames)} rowKey={(ticket) => ticket.id} empty="No tickets." sorting={sorting} />
  );
};
