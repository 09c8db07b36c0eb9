import type { AuditEntryView } from '../api-types';
import { lateEntries } from '../late-entries';
import { fieldLabel } from '../labels';
import { HeaderRow } from './data-table';
import { FieldValue } from './field-value';
import { Badge, Empty } from './status';
import { Time } from './time';
import { Value } from './value';

const HEADERS = ['Business time', 'Event', 'Changes', 'Received', 'Delivery'];

/**
 * The audit trail in business-time order: per event what it changed, when it happened and when it was received.
 * `erased`: the contact was erased, and its erased values say so.
 */
export const Timeline = ({ entries, erased }: { entries: readonly AuditEntryView[]; erased: boolean }) => {
  if (entries.length === 0) return <Empty>No audit entries.</Empty>;
  const late = lateEntries(entries);
  return (
    <div class="table-wrap">
      <table class="timeline">
        <HeaderRow headers={HEADERS} />
        <tbody>
          {entries.map((entry, index) => (
            <tr key={entry.event_id} class={late[index] ? 'late' : undefined} data-testid="audit-entry">
              <td data-label="Business time">
                <Time value={entry.occurred_at} />
              </td>
              <td data-label="Event">
                {entry.event}
                {late[index] && (
                  <>
                    {' '}
                    <Badge kind="late">late</Badge>
                    <span class="visually-hidden">: received after a later change</span>
                  </>
                )}
              </td>
              <td data-label="Changes">
                {entry.changes.length === 0 ? (
                  <span class="muted">no field changed</span>
                ) : (
                  <ul class="changes">
                    {entry.changes.map((change) => (
                      <li key={change.field}>
                        <span class="field">{fieldLabel(change.field)}</span>: <FieldValue field={change.field} value={change.from} erased={erased} /> →{' '}
                        <FieldValue field={change.field} value={change.to} erased={erased} />
                      </li>
                    ))}
                  </ul>
                )}
              </td>
              <td data-label="Received">
                <Time value={entry.received_at} />
              </td>
              <td data-label="Delivery" class="mono">
                <Value value={entry.delivery_id} clip />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
};
