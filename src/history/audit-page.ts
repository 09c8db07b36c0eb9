import * as E from 'fp-ts/lib/Either.js';
import type { AuditEntry } from '../../projections/contact-audit.js';
import { pageFill } from '../read-model/page-fill.js';
import type { EventStoreError } from '../store/event-store-error.js';

type AuditPage = { readonly entries: AuditEntry[]; readonly next_after: string | null };

/**
 * One page of a trail's entries (those after the cursor): at most `limit` of them and about MAX_PAGE_BYTES as JSON.
 * `next_after` names the last entry given when more follow. The trail's order (business time, then event id) is
 * stable, so the cursor is too. Only the page is held: the entries are folded one at a time, up to one past it.
 */
export const auditPage = async (
  entries: AsyncIterable<E.Either<EventStoreError, AuditEntry>>,
  limit: number,
): Promise<E.Either<EventStoreError, AuditPage>> => {
  const page: AuditEntry[] = [];
  const fill = pageFill(limit);
  for await (const read of entries) {
    if (E.isLeft(read)) return read;
    if (fill.full()) return E.right({ entries: page, next_after: page.at(-1)?.event_id ?? null });
    page.push(read.right);
    fill.add(JSON.stringify(read.right).length);
  }
  return E.right({ entries: page, next_after: null });
};
