import type { SortText } from './list-sort.js';

/** A row's place in a sorted list: its value of the sort's field (none for the id order, or none set) and its sort key. */
export type ListPosition = { readonly value: string | number | null; readonly key: string };

/**
 * Where a page starts: the rows after a position, or those before one (before no position: the last page). A cursor
 * carries its sort and the sort value of the row it names, so that a page is found by the index of the sort, and
 * stays where it was when rows are added or removed elsewhere.
 */
export type ListCursor = { readonly sort: SortText; readonly direction: 'after' | 'before'; readonly position: ListPosition | undefined };

type Encoded = [sort: string, direction: 'a' | 'b', value?: string | number | null, key?: string];

export const encodeCursor = ({ sort, direction, position }: ListCursor): string => {
  const short = direction === 'after' ? 'a' : 'b';
  const encoded: Encoded = position === undefined ? [sort, short] : [sort, short, position.value, position.key];
  return Buffer.from(JSON.stringify(encoded), 'utf8').toString('base64url');
};

const isValue = (value: unknown): value is string | number | null => value === null || typeof value === 'string' || Number.isSafeInteger(value);

/** undefined when the text is not a cursor encodeCursor made (its sort is checked against the list's by the caller). */
export const decodeCursor = (text: string): ListCursor | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || (parsed[1] !== 'a' && parsed[1] !== 'b')) return undefined;
  const [sort, direction, value, key] = parsed as unknown[];
  const withPosition = parsed.length === 4 && isValue(value) && typeof key === 'string' && key !== '';
  if (!withPosition && (parsed.length !== 2 || direction === 'a')) return undefined;
  const cursor: ListCursor = {
    sort: sort as SortText,
    direction: direction === 'a' ? 'after' : 'before',
    position: withPosition ? { value: value as string | number | null, key: key as string } : undefined,
  };
  // One text per cursor: a hand-made variant is not taken for one of ours.
  return encodeCursor(cursor) === text ? cursor : undefined;
};
