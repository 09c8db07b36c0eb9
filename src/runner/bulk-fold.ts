import { setImmediate } from 'node:timers/promises';
import { keysTouched } from '../../projections/fold.js';
import type { ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { ReadModelWrites } from '../read-model/read-model-writes.js';
import { foldIntoTargets, upcastEvents, type PositionedEvent, type UnprojectableEvent } from './fold-events.js';
import { logUpTo, type FoldJob, type FoldResult } from './fold-job.js';
import { removeStaleSpillDirectories, spillFiles, type SpillFiles } from './spill-files.js';

/**
 * Default `workingSet`: how many entity touches (events times the entities each touches, a bound on the states) a
 * group folds in memory at once. A state is about 1.5 KB.
 */
export const DEFAULT_BULK_WORKING_SET = 40_000;

/** More buckets than needed lets pass 2 pack them into groups that fill the working set. */
const BUCKETS_PER_WORKING_SET = 4;
const MAX_BUCKETS = 4_096;
/** Share of the work pass 1 (reading and spilling) takes, for progress reports. */
const PASS_1_SHARE = 0.4;

/** FNV-1a: a fast, stable spread of keys over buckets. */
const bucketOf = (key: string, buckets: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % buckets;
};

/** Consecutive buckets, and the entity touches (an upper bound on their states) they hold. */
type BucketGroup = { readonly buckets: number[]; touches: number };

/** Consecutive buckets packed into groups whose entity touches fit the working set. */
const groupBuckets = (touches: readonly number[], workingSet: number): BucketGroup[] => {
  const groups: BucketGroup[] = [];
  let current: BucketGroup = { buckets: [], touches: 0 };
  touches.forEach((count, bucket) => {
    if (current.buckets.length > 0 && current.touches + count > workingSet) {
      groups.push(current);
      current = { buckets: [], touches: 0 };
    }
    current.buckets.push(bucket);
    current.touches += count;
  });
  if (current.buckets.length > 0) groups.push(current);
  return groups;
};

/** How pass 1 lays the events out for pass 2, and how much pass 2 may hold at once. */
type Layout = { readonly from: number; readonly buckets: number; readonly workingSet: number };

/** What pass 1 read: the events held in memory (undefined once spilled), the entity touches per bucket, the skipped. */
type ReadLog = {
  readonly held: readonly PositionedEvent[] | undefined;
  readonly touches: readonly number[];
  readonly skipped: readonly UnprojectableEvent[];
  readonly events: number;
  readonly last: number;
};

/**
 * Pass 1: reads the log once, upcasts each event and spills it to the buckets of the entities it touches. While the
 * events read so far fit the working set they are only held: a log that fits is folded in memory, neither written
 * out nor parsed back.
 */
const readLog = async (job: FoldJob, layout: Layout, openSpill: () => SpillFiles, progress: (done: number) => void): Promise<ReadLog> => {
  let held: { readonly event: PositionedEvent; readonly buckets: ReadonlySet<number> }[] | undefined = [];
  let heldTouches = 0;
  const touches = new Array<number>(layout.buckets).fill(0);
  const skipped: UnprojectableEvent[] = [];
  let events = 0;
  let last = layout.from;
  const spillTo = (files: SpillFiles, event: PositionedEvent, buckets: ReadonlySet<number>) => {
    const line = `${JSON.stringify(event)}\n`;
    for (const bucket of buckets) files.write(bucket, line);
  };
  for await (const batch of logUpTo(job, layout.from)) {
    events += batch.length;
    last = batch.at(-1)?.position ?? last;
    for (const event of upcastEvents(job.targets, batch, skipped)) {
      const buckets = new Set<number>();
      for (const { projection } of job.targets) {
        for (const key of keysTouched(projection, event.projected)) {
          const bucket = bucketOf(key, layout.buckets);
          touches[bucket] = (touches[bucket] ?? 0) + 1;
          heldTouches += 1;
          buckets.add(bucket);
        }
      }
      if (buckets.size === 0) continue;
      if (held !== undefined && heldTouches <= layout.workingSet) {
        held.push({ event, buckets });
        continue;
      }
      const spill = openSpill();
      for (const earlier of held ?? []) spillTo(spill, earlier.event, earlier.buckets);
      held = undefined;
      spillTo(spill, event, buckets);
    }
    progress(events * PASS_1_SHARE);
  }
  return { held: held?.map(({ event }) => event), touches, skipped, events, last };
};

/** Pass 2 of spilled events: each group of buckets folded in memory, its rows written once. */
const foldSpilled = async (
  job: FoldJob,
  layout: Layout,
  spill: SpillFiles,
  touches: readonly number[],
  progress: (folded: number, of: number) => void,
): Promise<void> => {
  const allTouches = Math.max(1, touches.reduce((sum, count) => sum + count, 0));
  let folded = 0;
  for (const group of groupBuckets(touches, layout.workingSet)) {
    const folds = freshFolds(job.targets);
    for (const bucket of group.buckets) {
      // An event is spilled to each bucket of its keys; each key is folded in its own bucket.
      const holds = (key: string) => bucketOf(key, layout.buckets) === bucket;
      // A bucket holds about a quarter of a working set's events: a few MB, read at once, each event folded as it is
      // parsed, so that it is garbage before the next (an array of the bucket's events was most of the peak memory).
      const text = spill.read(bucket);
      for (let start = 0, end = text.indexOf('\n'); end !== -1; start = end + 1, end = text.indexOf('\n', start)) {
        foldIntoTargets(folds, [JSON.parse(text.slice(start, end)) as PositionedEvent], holds);
      }
      job.signal?.throwIfAborted();
      await setImmediate();
    }
    await writeRows(job.readModel.writes, folds, job.signal);
    folded += group.touches;
    progress(folded, allTouches);
  }
};

/**
 * Folds the log into fresh tables writing each row once, with memory bounded by the working set however the log
 * is ordered. Arrival order is arbitrary, so an entity's events are spread over the whole log; folding the log in
 * order would keep every state in memory, or write each row again and again. Instead pass 1 (readLog) spills each
 * event to the buckets of the entities it touches (by a hash of the key), and pass 2 folds a group of buckets at a
 * time, all of that group's states in memory, and writes its rows once. Each entity's events are folded in log
 * order, through the loop the in-order fold takes (fold-events.ts), so the result is the in-order fold's. Progress
 * counts pass 1 and pass 2 weighted by their share of the time.
 *
 * Rows are written before the checkpoints move (those move once, at the end), which is sound only for tables
 * nobody reads yet: scratch tables. A crash leaves a scratch table the next rebuild drops.
 */
export const bulkFold = async (job: FoldJob): Promise<FoldResult> => {
  const { readModel, targets, until } = job;
  const from = targets[0]?.position ?? until;
  if (targets.some((t) => t.position !== from)) throw new Error('bulkFold: targets must start from one position');
  if (from >= until) return { targets, events: 0 };
  const workingSet = job.workingSet ?? DEFAULT_BULK_WORKING_SET;
  const total = until - from;
  const layout = { from, workingSet, buckets: Math.min(MAX_BUCKETS, Math.max(1, Math.ceil((total * BUCKETS_PER_WORKING_SET) / workingSet))) };
  const progress = (done: number) => job.onProgress?.(Math.round(done));

  // A killed fold's spill files go now, whether this one spills or not.
  removeStaleSpillDirectories(readModel.spillDir);
  let spill: SpillFiles | undefined;
  try {
    const read = await readLog(job, layout, () => (spill ??= spillFiles(readModel.spillDir, layout.buckets)), progress);
    spill?.close();
    if (read.held !== undefined) {
      const folds = freshFolds(targets);
      foldIntoTargets(folds, read.held);
      await writeRows(readModel.writes, folds, job.signal);
      progress(total);
    }
    if (spill !== undefined) {
      await foldSpilled(job, layout, spill, read.touches, (folded, of) => progress(total * PASS_1_SHARE + (total * (1 - PASS_1_SHARE) * folded) / of));
    }
    // The events that could not be projected, and every checkpoint moved by compare-and-set, in one transaction.
    const advanced = await readModel.writes.commit(
      targets.map((target) => ({ target, rows: [], to: read.last })),
      read.skipped,
      job.now().toISOString(),
    );
    return { targets: advanced, events: read.events };
  } finally {
    spill?.remove();
  }
};

/** One target's states folded in memory. */
type TargetFold = { readonly target: ProjectionTarget; readonly states: Map<string, unknown> };

const freshFolds = (targets: readonly ProjectionTarget[]): TargetFold[] => targets.map((target) => ({ target, states: new Map() }));

/** A group's rows into the scratch tables, once each. */
const writeRows = async (writes: ReadModelWrites, folds: readonly TargetFold[], signal: AbortSignal | undefined): Promise<void> => {
  for (const { target, states } of folds) {
    await writes.fill(target, states, signal);
  }
};
