import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** Characters buffered per bucket before they are written to its spill file (there may be thousands of buckets). */
const SPILL_BUFFER = 64 * 1024;

const SPILL_PREFIX = '.skylight-fold-';

/** The directory's owner: host, process id, and when that process started (its pid may be reused, even by us). */
const SPILL_NAME = /^\.skylight-fold-([A-Za-z0-9.-]+)_(\d+)_(\d+|unknown)-[A-Za-z0-9]+$/;

const thisHost = hostname().replaceAll(/[^A-Za-z0-9.-]/g, '-');

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * When the process started, in clock ticks since boot (field 22 of /proc/<pid>/stat, read after the command name,
 * which may hold spaces), or undefined where there is no /proc. The same for every thread of the process.
 */
const startOf = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
};

const ownStart = startOf(process.pid) ?? 'unknown';

/**
 * Whether the fold that made the directory is gone: its process is not running, or a process of that id runs
 * that started at another time (a container's server is pid 1 in every life). Directories of other hosts (a
 * shared volume) are left alone: their processes cannot be seen from here.
 */
const isStale = (name: string): boolean => {
  const owner = SPILL_NAME.exec(name);
  if (owner === null) return false;
  const [, host, pid, start] = owner;
  if (host !== thisHost) return false;
  if (!isRunning(Number(pid))) return true;
  const running = startOf(Number(pid));
  return start !== 'unknown' && running !== undefined && running !== start;
};

/** Removes the spill directories of folds whose process is no longer running (killed mid-fold). */
export const removeStaleSpillDirectories = (root: string): void => {
  for (const name of readdirSync(root)) if (isStale(name)) rmSync(join(root, name), { recursive: true, force: true });
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
 * One file per bucket in a fresh directory named after this host and process (another fold running keeps its own;
 * see removeStaleSpillDirectories for those of killed ones), written through a buffer. Each flush opens and closes its file: there may
 * be more buckets than a process may hold open files.
 */
export const spillFiles = (root: string, count: number): SpillFiles => {
  const dir = mkdtempSync(join(root, `${SPILL_PREFIX}${thisHost}_${process.pid}_${ownStart}-`));
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
