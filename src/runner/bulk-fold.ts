import { setImmediate } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { ProjectedEvent } from '../../projections/projection.js';
import type { ProjectionTarget } from '../read-model/read-model-catalog.js';
import type { ReadModelWrites } from '../read-model/read-model-writes.js';
import { batches } from './batches.js';
import type { FoldJob, FoldResult } from './fold-job.js';
import { removeStaleSpillDirectories, spillFiles, type SpillFiles } from './spill-files.js';
import { toProjectedEvent, type UnprojectableEvent } from './to-projected-event.js';

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

/**
 * Folds the log into fresh tables writing each row once, with memory bounded by the working set however the log
 * is ordered. Arrival order is arbitrary, so an entity's events are spread over the whole log; folding the log in
 * order would keep every state in memory, or write each row again and again. Instead:
 * pass 1 reads the log once, upcasts each event and spills it to the buckets of the entities it touches (by a hash
 * of the key); pass 2 folds a group of buckets at a time, all of that group's states in memory, and writes its rows
 * once, in key order. The reducers converge in any order, so the result is the in-order fold's.
 *
 * Progress counts pass 1 and pass 2 weighted by their share of the time.
 *
 * Rows are written before the checkpoints move (those move once, at the end), which is sound only for tables
 * nobody reads yet: scratch tables. A crash leaves a scratch table the next rebuild drops.
 */
export const bulkFold = async (options: FoldJob): Promise<FoldResult> => {
  const { readModel, targets, until } = options;
  const from = targets[0]?.position ?? until;
  if (targets.some((t) => t.position !== from)) throw new Error('bulkFold: targets must start from one position');
  if (from >= until) return { targets, events: 0 };
  const workingSet = options.workingSet ?? DEFAULT_BULK_WORKING_SET;
  const total = until - from;
  const bucketCount = Math.min(MAX_BUCKETS, Math.max(1, Math.ceil((total * BUCKETS_PER_WORKING_SET) / workingSet)));
  const wanted = new Set<string>(targets.flatMap((t) => t.projection.handles));
  const progress = (done: number) => options.onProgress?.(Math.round(done));

  const spillRoot = readModel.spillDir;
  // A killed fold's spill files go now, whether this one spills or not.
  removeStaleSpillDirectories(spillRoot);
  let spill: SpillFiles | undefined;
  try {
    // Pass 1: read, upcast, spill. While the events read so far fit the working set they are only held: a log
    // that fits is folded in memory, neither written out nor parsed back.
    let held: { readonly projected: ProjectedEvent; readonly buckets: ReadonlySet<number> }[] | undefined = [];
    let heldTouches = 0;
    const spillTo = (files: SpillFiles, projected: ProjectedEvent, buckets: ReadonlySet<number>) => {
      const line = `${JSON.stringify(projected)}\n`;
      for (const bucket of buckets) files.write(bucket, line);
    };
    const touches = new Array<number>(bucketCount).fill(0);
    const skipped: UnprojectableEvent[] = [];
    let events = 0;
    let last = from;
    reading: for await (const batch of batches(options.store.readAll({ fromPosition: from }), 5_000)) {
      options.signal?.throwIfAborted();
      for (const recorded of batch) {
        if (recorded.position > until) break reading;
        events += 1;
        last = recorded.position;
        if (!wanted.has(recorded.type)) continue;
        const upcast = toProjectedEvent(recorded);
        if (E.isLeft(upcast)) skipped.push(upcast.left);
        if (E.isLeft(upcast) || upcast.right === undefined) continue;
        const projected = upcast.right;
        const buckets = new Set<number>();
        for (const { projection } of targets) {
          for (const key of projection.keysOf(projected)) {
            const bucket = bucketOf(key, bucketCount);
            touches[bucket] = (touches[bucket] ?? 0) + 1;
            heldTouches += 1;
            buckets.add(bucket);
          }
        }
        if (buckets.size === 0) continue;
        if (held !== undefined && heldTouches <= workingSet) {
          held.push({ projected, buckets });
          continue;
        }
        spill ??= spillFiles(spillRoot, bucketCount);
        for (const event of held ?? []) spillTo(spill, event.projected, event.buckets);
        held = undefined;
        spillTo(spill, projected, buckets);
      }
      progress(events * PASS_1_SHARE);
      // A rebuild runs beside the server it belongs to: let pending requests through.
      await setImmediate();
    }
    spill?.close();

    // Pass 2: fold each group of buckets in memory and write its rows once.
    const { writes } = readModel;
    if (held !== undefined) {
      const folds = targets.map((target) => ({ target, states: new Map<string, unknown>() }));
      for (const { projected } of held) for (const { target, states } of folds) target.projection.evolveEntities(states, projected);
      await writeRows(writes, folds, options.signal);
      progress(total);
    }
    const allTouches = Math.max(1, touches.reduce((sum, count) => sum + count, 0));
    let folded = 0;
    if (spill !== undefined) {
      for (const group of groupBuckets(touches, workingSet)) {
        const folds = targets.map((target) => ({ target, states: new Map<string, unknown>() }));
        for (const bucket of group.buckets) {
          const holds = (key: string) => bucketOf(key, bucketCount) === bucket;
          // A bucket holds about a quarter of a working set's events: a few MB, read at once.
          for (const line of spill.read(bucket).split('\n')) {
            if (line === '') continue;
            const projected = JSON.parse(line) as ProjectedEvent;
            // An event is spilled to each bucket of its keys; each key is folded in its own bucket.
            for (const { target, states } of folds) target.projection.evolveEntities(states, projected, holds);
          }
          options.signal?.throwIfAborted();
          await setImmediate();
        }
        await writeRows(writes, folds, options.signal);
        folded += group.touches;
        progress(total * PASS_1_SHARE + (total * (1 - PASS_1_SHARE) * folded) / allTouches);
      }
    }

    // The events that could not be projected, and every checkpoint moved by compare-and-set, in one transaction.
    const advanced = await writes.commit(
      targets.map((target) => ({ target, rows: [], to: last })),
      skipped,
      options.now().toISOString(),
    );
    return { targets: advanced, events };
  } finally {
    spill?.remove();
  }
};

/** One target's states folded in memory. */
type TargetFold = { readonly target: ProjectionTarget; readonly states: ReadonlyMap<string, unknown> };

/** A group's rows into the scratch tables, once each. */
const writeRows = async (writes: ReadModelWrites, folds: readonly TargetFold[], signal: AbortSignal | undefined): Promise<void> => {
  for (const { target, states } of folds) {
    await writes.fill(target, states, signal);
  }
};
