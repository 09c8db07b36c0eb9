import { encodeCursor, type ListCursor, type ListPosition } from './list-cursor.js';
import { sortOf, type ListSort, type SortField, type SortText } from './list-sort.js';
import type { Page } from './page.js';
import { pageFill } from './page-fill.js';

/**
 * One page of a sorted list, the same on every read-model store: this decides which rows to read, in which order and
 * from where; a store only reads them (`Scan`), in one snapshot.
 *
 * A list sorted by a field reads as two runs: the rows with a value, by (value, sort key), then those without one, by
 * sort key; the id order is one run. Each run is one range of an index, read forwards or backwards, so a page costs
 * about its own rows whichever page it is.
 */

/** Which rows a run holds: all of them (the id order), those with a value of the sort's field, or those without. */
type Run = 'all' | 'values' | 'nulls';

/** One range of rows to read: of `run`, in the index's order or against it, strictly beyond `from`, at most `limit`. */
export type Scan = {
  readonly field: SortField;
  readonly run: Run;
  readonly descending: boolean;
  readonly from: ListPosition | undefined;
  readonly limit: number;
};

/** A row as a scan gives it: its sort key, its value of the sort's field (null in the id order), its view's JSON text. */
export type ScannedRow = { readonly sort_key: string; readonly value: string | number | null; readonly view: string };

type Reads<A> = Generator<Scan, A, readonly ScannedRow[]>;

const runsOf = (field: SortField): readonly Run[] => (field === 'id' ? ['all'] : ['values', 'nulls']);

const runOf = (field: SortField, position: ListPosition): Run => (field === 'id' ? 'all' : position.value === null ? 'nulls' : 'values');

const positionOf = (row: ScannedRow): ListPosition => ({ value: row.value, key: row.sort_key });

/** Up to `limit` rows from `from` on (without it, from the start), in the sort's order, or backwards from it. */
function* rowsFrom(sort: ListSort, backwards: boolean, from: ListPosition | undefined, limit: number): Reads<ScannedRow[]> {
  const runs = backwards ? [...runsOf(sort.field)].reverse() : runsOf(sort.field);
  const first = from === undefined ? 0 : runs.indexOf(runOf(sort.field, from));
  const rows: ScannedRow[] = [];
  for (let index = first; index < runs.length && rows.length < limit; index++) {
    const run = runs[index] as Run;
    rows.push(...(yield { field: sort.field, run, descending: sort.descending !== backwards, from: index === first ? from : undefined, limit: limit - rows.length }));
  }
  return rows;
}

function* anyFrom(sort: ListSort, backwards: boolean, from: ListPosition | undefined): Reads<boolean> {
  return (yield* rowsFrom(sort, backwards, from, 1)).length > 0;
}

/** The rows of `rows` that fill a page (pageFill: a count and a byte bound), in the order given. */
const filling = (rows: readonly ScannedRow[], limit: number): ScannedRow[] => {
  const fill = pageFill(limit);
  const taken: ScannedRow[] = [];
  for (const row of rows) {
    if (fill.full()) break;
    taken.push(row);
    fill.add(row.view.length);
  }
  return taken;
};

const pageOf = (items: readonly ScannedRow[], next: ListCursor | undefined, prev: ListCursor | undefined): Page<unknown> => ({
  items: items.map((row) => JSON.parse(row.view) as unknown),
  next_cursor: next === undefined ? null : encodeCursor(next),
  prev_cursor: prev === undefined ? null : encodeCursor(prev),
});

function* pageAfter(text: SortText, sort: ListSort, from: ListPosition | undefined, limit: number): Reads<Page<unknown>> {
  const rows = yield* rowsFrom(sort, false, from, limit + 1);
  const items = filling(rows, limit);
  const first = items[0];
  const last = items.at(-1);
  const next = last !== undefined && rows.length > items.length ? { sort: text, direction: 'after' as const, position: positionOf(last) } : undefined;
  let prev: ListCursor | undefined;
  if (from !== undefined && first !== undefined) {
    if (yield* anyFrom(sort, true, positionOf(first))) prev = { sort: text, direction: 'before', position: positionOf(first) };
  } else if (from !== undefined && (yield* anyFrom(sort, true, undefined))) {
    // Past the end (its rows went meanwhile): what comes before is the last page.
    prev = { sort: text, direction: 'before', position: undefined };
  }
  return pageOf(items, next, prev);
}

/**
 * The page before a position: the rows just before it, as many as a page holds. Where fewer are left than fill one,
 * the answer is the first page itself (full, with no cursor before it), so that going back always ends on the very
 * page the list started with.
 */
function* pageBefore(text: SortText, sort: ListSort, before: ListPosition | undefined, limit: number): Reads<Page<unknown>> {
  const rows = yield* rowsFrom(sort, true, before, limit + 1);
  if (rows.length <= limit) return yield* pageAfter(text, sort, undefined, limit);
  const items = filling(rows, limit).reverse();
  const first = items[0] as ScannedRow;
  const last = items.at(-1) as ScannedRow;
  const next = before !== undefined && (yield* anyFrom(sort, false, positionOf(last))) ? { sort: text, direction: 'after' as const, position: positionOf(last) } : undefined;
  return pageOf(items, next, { sort: text, direction: 'before', position: positionOf(first) });
}

/**
 * The page a list query asks for: the first one, or the one a cursor names. A generator of the scans it needs, so that
 * one page logic drives a synchronous store (SQLite, inside one transaction) and an asynchronous one alike.
 */
export const listPage = (text: SortText, cursor: ListCursor | undefined, limit: number): Reads<Page<unknown>> =>
  cursor?.direction === 'before' ? pageBefore(text, sortOf(text), cursor.position, limit) : pageAfter(text, sortOf(text), cursor?.position, limit);

/** A page read from a store that answers each scan at once. */
export const readNow = <A>(reads: Reads<A>, scan: (scan: Scan) => readonly ScannedRow[]): A => {
  let step = reads.next();
  while (step.done !== true) step = reads.next(scan(step.value));
  return step.value;
};

/** A page read from a store that answers each scan with a promise. */
export const readAwaiting = async <A>(reads: Reads<A>, scan: (scan: Scan) => Promise<readonly ScannedRow[]>): Promise<A> => {
  let step = reads.next();
  while (step.done !== true) step = reads.next(await scan(step.value));
  return step.value;
};
