import type { Ticket } from '../api-types';
import { Badge } from './status';
import { DataTable, type Columns } from './data-table';
import { Time } from './time';
import { Value } from './value';
import { entityHref } from '../entity-href';
import { ContactLink, useContactNames } from './contact-link';

const ticketColumns = (contactNames: ReadonlyMap<string, string>): Columns<Ticket> => [
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
  { header: 'Contact', cell: (ticket) => ticket.contact_id !== null && <ContactLink id={ticket.contact_id} names={contactNames} /> },
  { header: 'Created', cell: (ticket) => <Time value={ticket.created_at} /> },
];

/** Tickets, each linked, with the contact it is about linked by name. */
export const TicketTable = ({ tickets }: { tickets: readonly Ticket[] }) => {
  const contactNames = useContactNames(tickets.map((ticket) => ticket.contact_id));
  return <DataTable rows={tickets} columns={ticketColumns(contactNames)} rowKey={(ticket) => ticket.id} empty="No tickets." />;
};
