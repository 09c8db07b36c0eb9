import type { AuditEntry } from '../../projections/contact-audit.js';
import { MAX_ANSWER_DATA_BYTES } from './stream-records.js';

export type AuditPage = { readonly entries: AuditEntry[]; readonly next_after: string | null };

/**
 * One page of a trail: the entries after the one with event id `after` (from the first without it), at most
 * `limit` of them and about MAX_ANSWER_DATA_BYTES as JSON (always at least one). `next_after` names the last entry
 * given when more follow. The trail's order (business time, then event id) is stable, so the cursor is too.
 */
export const auditPage = (trail: readonly AuditEntry[], { after, limit }: { readonly after?: string | undefined; readonly limit: number }): AuditPage => {
  const start = after === undefined ? 0 : trail.findIndex((entry) => entry.event_id === after) + 1;
  if (start === 0 && after !== undefined) return { entries: [], next_after: null };
  const entries: AuditEntry[] = [];
  let bytes = 0;
  for (const entry of trail.slice(start)) {
    if (entries.length === limit || bytes >= MAX_ANSWER_DATA_BYTES) return { entries, next_after: entries.at(-1)?.event_id ?? null };
    entries.push(entry);
    bytes += JSON.stringify(entry).length;
  }
  return { entries, next_after: null };
};
