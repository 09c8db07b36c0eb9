import { setImmediate } from 'node:timers/promises';
import { batchApplier, emptyBatch } from './apply-batch.js';
import { batches } from './batches.js';
import type { FoldJob, FoldResult } from './fold-job.js';

/**
 * Entity states a long fold holds in memory before it commits them. Each commit writes every state it holds once,
 * so the larger, the fewer writes (an entity touched twice between commits is written once); memory grows with it,
 * by about 1.5 KB per state.
 */
export const DEFAULT_WORKING_SET = 20_000;

/** Events read from the log at a time; a small working set reads less at a time, so that it commits as often as it says. */
const READ_BATCH = 5_000;

/**
 * Streams the log from the lowest checkpoint of `targets` up to `until`, folds it in memory and commits whenever
 * the working set is full, and at the end: memory stays bounded whatever the length of the log.
 */
export const foldLog = async (options: FoldJob): Promise<FoldResult> => {
  const writer = batchApplier(options.readModel.writes);
  const workingSet = options.workingSet ?? DEFAULT_WORKING_SET;
  let targets = options.targets;
  let events = 0;
  if (targets.length === 0) return { targets, events };
  const from = Math.min(...targets.map((t) => t.position));
  if (from >= options.until) return { targets, events };
  let pending = emptyBatch(targets);
  for await (const batch of batches(options.store.readAll({ fromPosition: from }), Math.min(READ_BATCH, workingSet))) {
    options.signal?.throwIfAborted();
    const inRange = batch.filter((event) => event.position <= options.until);
    pending = await writer.fold(pending, inRange);
    events += inRange.length;
    if (pending.states >= workingSet) {
      targets = await writer.commit(pending, options.now().toISOString());
      pending = emptyBatch(targets);
    }
    options.onProgress?.(events);
    if (inRange.length < batch.length) break;
    // A long fold must not starve the server it runs in: let pending requests through between batches.
    await setImmediate();
  }
  if (events > 0) targets = await writer.commit(pending, options.now().toISOString());
  return { targets, events };
};
