import type { Booking } from '../api-types';
import { Badge, Empty } from './status';
import { Time } from './time';
import { entityHref } from '../entity-href';

export const BookingTable = ({ bookings }: { bookings: readonly Booking[] }) =>
  bookings.length === 0 ? (
    <Empty>No bookings.</Empty>
  ) : (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Booking</th>
            <th scope="col">Status</th>
            <th scope="col">Starts</th>
            <th scope="col">Ends</th>
            <th scope="col">Contact</th>
            <th scope="col">Anomalies</th>
          </tr>
        </thead>
        <tbody>
          {bookings.map((booking) => (
            <tr key={booking.id}>
              <th scope="row">
                <a href={entityHref('bookings', booking.id)}>{booking.title ?? `booking ${booking.id}`}</a>
                {booking.partial && (
                  <>
                    {' '}
                    <Badge kind="partial">partial</Badge>
                  </>
                )}
              </th>
              <td>{booking.status !== null ? <Badge kind={`status-${booking.status}`}>{booking.status}</Badge> : <span class="muted">—</span>}</td>
              <td>
                <Time value={booking.starts_at} />
              </td>
              <td>
                <Time value={booking.ends_at} />
              </td>
              <td>{booking.contact_id !== null && <a href={entityHref('contacts', booking.contact_id)}>{booking.contact_id}</a>}</td>
              <td>{booking.anomalies.length === 0 ? '' : <Badge kind="anomaly">{`${booking.anomalies.length} anomal${booking.anomalies.length === 1 ? 'y' : 'ies'}`}</Badge>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
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
