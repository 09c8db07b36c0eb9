import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** Characters buffered per bucket before they are written to its spill file (there may be thousands of buckets). */
const SPILL_BUFFER = 64 * 1024;

const SPILL_PREFIX = '.skylight-fold-';

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Removes the spill directories of folds whose process is no longer running (killed mid-fold). */
export const removeStaleSpillDirectories = (root: string): void => {
  for (const name of readdirSync(root)) {
    const pid = Number(name.slice(SPILL_PREFIX.length).split('-')[0]);
    if (name.startsWith(SPILL_PREFIX) && Number.isInteger(pid) && !isRunning(pid)) rmSync(join(root, name), { recursive: true, force: true });
  }
};

export type SpillFiles = {
  /** Appends a line (ending in a newline) to the bucket's file. */
  readonly write: (bucket: number, line: string) => void;
  /** Everything written to the bucket, once `close` flushed it. */
  readonly read: (bucket: number) => string;
  /** Flushes what is buffered. */
  readonly close: () => void;
  /** Removes the files, whatever state they are in. */
  readonly remove: () => void;
};

/**
 * One file per bucket in a fresh directory named after this process (another fold running keeps its own; see
 * removeStaleSpillDirectories for those of killed ones), written through a buffer. Each flush opens and closes its file: there may
 * be more buckets than a process may hold open files.
 */
export const spillFiles = (root: string, count: number): SpillFiles => {
  const dir = mkdtempSync(join(root, `${SPILL_PREFIX}${process.pid}-`));
  const buckets = Array.from({ length: count }, (_, bucket) => ({ path: join(dir, `bucket-${bucket}.jsonl`), lines: [] as string[], size: 0 }));
  const flush = (bucket: { readonly path: string; lines: string[]; size: number }) => {
    if (bucket.lines.length === 0) return;
    appendFileSync(bucket.path, bucket.lines.join(''));
    bucket.lines = [];
    bucket.size = 0;
  };
  const bucketAt = (index: number) => {
    const bucket = buckets[index];
    if (bucket === undefined) throw new Error(`no spill bucket ${index}`);
    return bucket;
  };
  return {
    write: (index, line) => {
      const bucket = bucketAt(index);
      bucket.lines.push(line);
      bucket.size += line.length;
      if (bucket.size >= SPILL_BUFFER) flush(bucket);
    },
    read: (index) => {
      try {
        return readFileSync(bucketAt(index).path, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
        throw error;
      }
    },
    close: () => buckets.forEach(flush),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};
