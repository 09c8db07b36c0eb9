import type { Ticket } from '../api-types';
import { Badge, Empty } from './status';
import { Time } from './time';
import { entityHref } from '../entity-href';

export const TicketTable = ({ tickets }: { tickets: readonly Ticket[] }) =>
  tickets.length === 0 ? (
    <Empty>No tickets.</Empty>
  ) : (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Ticket</th>
            <th scope="col">Status</th>
            <th scope="col">Priority</th>
            <th scope="col">Contact</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {tickets.map((ticket) => (
            <tr key={ticket.id}>
              <th scope="row">
                <a href={entityHref('tickets', ticket.id)}>{ticket.subject ?? `ticket ${ticket.id}`}</a>
              </th>
              <td>{ticket.status !== null && <Badge kind={`status-${ticket.status}`}>{ticket.status}</Badge>}</td>
              <td>{ticket.priority}</td>
              <td>{ticket.contact_id !== null && <a href={entityHref('contacts', ticket.contact_id)}>{ticket.contact_id}</a>}</td>
              <td>
                <Time value={ticket.created_at} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
