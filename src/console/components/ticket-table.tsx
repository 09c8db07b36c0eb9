import type { Ticket } from '../api-types';
import { Badge } from './status';
import { DataTable, type Columns } from './data-table';
import { Time } from './time';
import { Value } from './value';
import { entityHref } from '../entity-href';

const TICKET_COLUMNS: Columns<Ticket> = [
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
  { header: 'Contact', cell: (ticket) => ticket.contact_id !== null && <a href={entityHref('contacts', ticket.contact_id)}>{ticket.contact_id}</a> },
  { header: 'Created', cell: (ticket) => <Time value={ticket.created_at} /> },
];

export const TicketTable = ({ tickets }: { tickets: readonly Ticket[] }) => (
  <DataTable rows={tickets} columns={TICKET_COLUMNS} rowKey={(ticket) => ticket.id} empty="No tickets." />
);
