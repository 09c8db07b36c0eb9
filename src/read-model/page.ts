/** One page of a list, and the opaque cursor for the next (null on the last page). */
export type Page<T> = { readonly items: T[]; readonly next_cursor: string | null };

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;

export const encodeCursor = (sortKey: string): string => Buffer.from(sortKey, 'utf8').toString('base64url');

/** undefined when the cursor was not made by encodeCursor. */
export const decodeCursor = (cursor: string): string | undefined => {
  const sortKey = Buffer.from(cursor, 'base64url').toString('utf8');
  return sortKey !== '' && encodeCursor(sortKey) === cursor ? sortKey : undefined;
};
