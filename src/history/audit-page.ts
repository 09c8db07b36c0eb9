import type { AuditEntry } from '../../projections/contact-audit.js';
import { pageFill } from '../read-model/page-fill.js';

export type AuditPage = { readonly entries: AuditEntry[]; readonly next_after: string | null };

/**
 * One page of a trail: the entries after the one with event id `after` (from the first without it), at most
 * `limit` of them and about MAX_PAGE_BYTES as JSON. `next_after` names the last entry
 * given when more follow. The trail's order (business time, then event id) is stable, so the cursor is too.
 */
export const auditPage = (trail: readonly AuditEntry[], { after, limit }: { readonly after?: string | undefined; readonly limit: number }): AuditPage => {
  const start = after === undefined ? 0 : trail.findIndex((entry) => entry.event_id === after) + 1;
  if (start === 0 && after !== undefined) return { entries: [], next_after: null };
  const entries: AuditEntry[] = [];
  const fill = pageFill(limit);
  for (const entry of trail.slice(start)) {
    if (fill.full()) return { entries, next_after: entries.at(-1)?.event_id ?? null };
    entries.push(entry);
    fill.add(JSON.stringify(entry).length);
  }
  return { entries, next_after: null };
};
