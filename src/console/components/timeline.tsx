import type { AuditEntryView } from '../api-types';
import { lateEntries } from '../late-entries';
import { HeaderRow } from './data-table';
import { Badge, Empty } from './status';
import { Time } from './time';
import { Value } from './value';

/** The audit trail in business-time order: per event what it changed, when it happened and when it was received. */
export const Timeline = ({ entries }: { entries: readonly AuditEntryView[] }) => {
  if (entries.length === 0) return <Empty>No audit entries.</Empty>;
  const late = lateEntries(entries);
  return (
    <div class="table-wrap">
      <table class="timeline">
        <HeaderRow headers={['Business time', 'Event', 'Changes', 'Received', 'Delivery']} />
        <tbody>
          {entries.map((entry, index) => (
            <tr key={entry.event_id} class={late[index] ? 'late' : undefined} data-testid="audit-entry">
              <td>
                <Time value={entry.occurred_at} />
              </td>
              <td>
                {entry.event}
                {late[index] && (
                  <>
                    {' '}
                    <Badge kind="late">late</Badge>
                    <span class="visually-hidden">: received after a later change</span>
                  </>
                )}
              </td>
              <td>
                {entry.changes.length === 0 ? (
                  <span class="muted">no field changed</span>
                ) : (
                  <ul class="changes">
                    {entry.changes.map((change) => (
                      <li key={change.field}>
                        <span class="field">{change.field}</span>: <Value value={change.from} /> → <Value value={change.to} />
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td>
                <Time value={entry.received_at} />
              </td>
              <td class="mono">
                <Value value={entry.delivery_id} clip />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};
