import { toMicros } from '../events/timestamp.js';

/**
 * The order rows are listed in, and what a list's cursor holds: numeric ids numerically (padded to 19 digits), the
 * rest after them, as text. Compared byte by byte in every store (PostgreSQL's `COLLATE "C"`, SQLite's default).
 */
export const sortKeyOf = (key: string): string => (/^\d{1,19}$/.test(key) ? key.padStart(19, '0') : `~${key}`);

/** Beyond any receive time in microseconds (the year 2255) or log position, and within a double's exact integers. */
const LATEST = 9_000_000_000_000_000;

/** A number counted down from LATEST, as text of one width: the larger the number, the earlier it sorts. */
const countedDown = (n: number): string => String(LATEST - Math.min(Math.max(Number.isFinite(n) ? n : 0, 0), LATEST)).padStart(16, '0');

/** What the sort keys of deliveries received at `micros` begin with: the later received, the smaller. */
export const receivedPrefix: (micros: number) => string = countedDown;

/**
 * A row's sort key: a delivery's leads with when it was received, then its position in the log, both counted down,
 * so that the newest sort first (the delivery log's order, read off the sort index by every filter's index); other
 * rows' follow from the key. Set when the row is first written: where and when a delivery arrived never changes.
 */
export const rowSortKey = (projection: string, key: string, view: unknown): string => {
  if (projection !== 'deliveries' || typeof view !== 'object' || view === null) return sortKeyOf(key);
  const receivedAt: unknown = Reflect.get(view, 'received_at');
  const position: unknown = Reflect.get(view, 'position');
  if (typeof receivedAt !== 'string' || typeof position !== 'number') return sortKeyOf(key);
  return `${receivedPrefix(toMicros(receivedAt))}${countedDown(position)}${key}`;
};
