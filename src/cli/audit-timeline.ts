import type { AuditEntry } from '../../projections/contact-audit.js';

const BOLD = (text: string) => `\x1b[1m${text}\x1b[22m`;

/** JSON for every value, so that a null, a number and a string that spells one are told apart. */
const shown = (value: unknown): string => JSON.stringify(value);

/**
 * The audit trail as a timeline for people: one block per event (when, what, the delivery facts), then one
 * "field: before → after" line per change.
 */
export const auditTimeline = (entries: readonly AuditEntry[], emphasis: boolean): string =>
  entries
    .map((entry) => {
      const heading = `${String(entry.occurred_at)}  ${entry.event}`;
      const facts = `  event ${entry.event_id}  received ${entry.received_at ?? '?'}  delivery ${entry.delivery_id ?? '?'}`;
      const changes = entry.changes.length === 0 ? ['  (no field changed)'] : entry.changes.map((c) => `  ${c.field}: ${shown(c.from)} → ${shown(c.to)}`);
      return [emphasis ? BOLD(heading) : heading, facts, ...changes].join('\n');
    })
    .join('\n\n')
    .concat(entries.length === 0 ? '(no entries)\n' : '\n');
