import { batchWriter } from './batch-writer.js';
import { LOG_BATCH, logUpTo, type FoldJob, type FoldResult } from './fold-job.js';

/**
 * Entity states a long fold holds in memory before it commits them. Each commit writes every state it holds once,
 * so the larger, the fewer writes (an entity touched twice between commits is written once); memory grows with it,
 * by about 1.5 KB per state.
 */
export const DEFAULT_WORKING_SET = 20_000;

/**
 * Streams the log from the lowest checkpoint of `targets` up to `until`, folds it in memory and commits whenever
 * the working set is full, and at the end: memory stays bounded whatever the length of the log.
 */
export const foldLog = async (job: FoldJob): Promise<FoldResult> => {
  const workingSet = job.workingSet ?? DEFAULT_WORKING_SET;
  let events = 0;
  if (job.targets.length === 0) return { targets: job.targets, events };
  const from = Math.min(...job.targets.map((t) => t.position));
  if (from >= job.until) return { targets: job.targets, events };
  const writer = batchWriter(job.readModel.writes, job.targets);
  // A small working set reads less at a time, so that it commits as often as it says.
  for await (const batch of logUpTo(job, from, Math.min(LOG_BATCH, workingSet))) {
    await writer.fold(batch);
    events += batch.length;
    if (writer.held() >= workingSet) await writer.commit(job.now().toISOString());
    job.onProgress?.(events);
  }
  if (events > 0) await writer.commit(job.now().toISOString());
  return { targets: writer.targets(), events };
};
