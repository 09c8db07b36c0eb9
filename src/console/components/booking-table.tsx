import type { Booking } from '../api-types';
import { Badge, Empty } from './status';
import { DataTable, type Columns } from './data-table';
import { Time } from './time';
import { Value } from './value';
import { entityHref } from '../entity-href';

const anomalies = (count: number): string => `${count} anomal${count === 1 ? 'y' : 'ies'}`;

const BOOKING_COLUMNS: Columns<Booking> = [
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
  { header: 'Starts', cell: (booking) => <Time value={booking.starts_at} /> },
  { header: 'Ends', cell: (booking) => <Time value={booking.ends_at} /> },
  { header: 'Contact', cell: (booking) => booking.contact_id !== null && <a href={entityHref('contacts', booking.contact_id)}>{booking.contact_id}</a> },
  {
    header: 'Anomalies',
    cell: (booking) => (booking.anomalies.length === 0 ? '' : <Badge kind="anomaly">{anomalies(booking.anomalies.length)}</Badge>),
  },
];

export const BookingTable = ({ bookings }: { bookings: readonly Booking[] }) => (
  <DataTable rows={bookings} columns={BOOKING_COLUMNS} rowKey={(booking) => booking.id} empty="No bookings." />
);

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
