/** One page of a list, and the opaque cursors of the pages after and before it (null where there is none). */
export type Page<T> = { readonly items: T[]; readonly next_cursor: string | null; readonly prev_cursor: string | null };

export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 50;
