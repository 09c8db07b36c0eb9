import type { Booking } from '../api-types';
import { Badge, Empty } from './status';
import { DataTable, type Columns, type Sorting } from './data-table';
import { Time } from './time';
import { Value } from './value';
import { entityHref } from '../entity-href';
import { counted } from '../plural';
import { ContactLink, useContactNames } from './contact-link';

/** Without names (a contact's own page), no contact column: every row is that contact's. */
const bookingColumns = (contactNames: ReadonlyMap<string, string> | undefined): Columns<Booking> => [
  {
    header: 'Booking',
    cell: (booking) => (
      <>
        <a href={entityHref('bookings', booking.id)}>
          <Value value={booking.title ?? `booking ${booking.id}`} clip />
        </a>
        {booking.partial && (
          <>
            {' '}
            <Badge kind="partial">partial</Badge>
          </>
        )}
      </>
    ),
  },
  {
    header: 'Status',
    cell: (booking) => (booking.status !== null ? <Badge kind={`status-${booking.status}`}>{booking.status}</Badge> : <span class="muted">—</span>),
  },
  { header: 'Starts', cell: (booking) => <Time value={booking.starts_at} />, sort: 'starts_at' },
  { header: 'Ends', cell: (booking) => <Time value={booking.ends_at} /> },
  ...(contactNames === undefined
    ? []
    : [{ header: 'Contact', cell: (booking: Booking) => booking.contact_id !== null && <ContactLink id={booking.contact_id} names={contactNames} /> }]),
  {
    header: 'Anomalies',
    cell: (booking) => (booking.anomalies.length === 0 ? '' : <Badge kind="anomaly">{counted(booking.anomalies.length, 'anomaly', 'anomalies')}</Badge>),
  },
];

/**
 * Bookings, each linked, with the contact it is for linked by name (`ofContact`: all are one contact's, on its page);
 * with `sorting`, the headers of the sortable columns sort the list.
 */
export const BookingTable = ({ bookings, ofContact = false, sorting }: { bookings: readonly Booking[]; ofContact?: boolean; sorting?: Sorting }) => {
  const contactNames = useContactNames(ofContact ? [] : bookings.map((booking) => booking.contact_id));
  return (
    <DataTable
      rows={bookings}
      columns={bookingColumns(ofContact ? undefined : contactNames)}
      rowKey={(booking) => booking.id}
      empty="No bookings."
      sorting={sorting}
    />
  );
};

export const AnomalyList = ({ booking }: { booking: Booking }) =>
  booking.anomalies.length === 0 ? (
    <Empty>No anomalies.</Empty>
  ) : (
    <ul class="anomalies">
      {booking.anomalies.map((anomaly) => (
        <li key={anomaly.event_id}>
          <strong>{anomaly.event}</strong> at <Time value={anomaly.occurred_at} />: {anomaly.why}
        </li>
      ))}
    </ul>
  );
