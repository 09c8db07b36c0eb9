/** Bytes of data one page carries at most (it ends early, with a cursor): about 8 bodies of 1 MB. */
export const MAX_PAGE_BYTES = 8 * 1024 * 1024;

/** How full a page being filled is. */
export type PageFill = {
  /** Whether it holds `limit` items or MAX_PAGE_BYTES of data; never before its first item. */
  readonly full: () => boolean;
  /** Counts one more item, of this many bytes. */
  readonly add: (bytes: number) => void;
};

/**
 * Every page (lists, audit, raw history, quarantine) ends at a count of items and at a byte bound, whichever comes
 * first, so that an answer's size does not grow with its items'; an item larger than the bound still goes out, alone,
 * so that the cursor always moves on.
 */
export const pageFill = (limit: number): PageFill => {
  let items = 0;
  let bytes = 0;
  return {
    full: () => items >= limit || bytes >= MAX_PAGE_BYTES,
    add: (itemBytes) => {
      items += 1;
      bytes += itemBytes;
    },
  };
};
