import * as E from 'fp-ts/lib/Either.js';
import { appliedByAll, CheckpointMoved, UNBUILT_VERSION } from '../read-model/read-model-catalog.js';
import type { ReadModel } from '../read-model/read-model.js';
import type { WriterLease } from '../read-model/writer-lease.js';
import { EventStoreFailure } from '../store/event-store-error.js';
import { foldLog } from './fold-log.js';
import type { ReadModelJob } from './read-model-job.js';
import { atLeast } from './log-lag.js';
import { rebuildProjections } from './rebuild.js';
import { wakeablePause } from './wakeable-pause.js';

export type CatchUpResult = {
  readonly events: number;
  /** How far every projection has applied: the head, unless another node is the writer and had not reached it in time. */
  readonly position: number;
  readonly head: number;
};

/** How long a catch-up that is not the writer waits for the writer to reach the head. */
const WRITER_WAIT_MS = 10_000;
const WRITER_LOOK_MS = 200;

/** Another node holds the writer's lease: waits for its commits to reach `head`, and says how far they got. */
const writerReaching = async (readModel: ReadModel, job: ReadModelJob, lease: WriterLease, head: number, waitMs: number): Promise<number> => {
  let wake = (): void => undefined;
  lease.onChange(() => wake());
  const deadline = performance.now() + waitMs;
  for (;;) {
    const applied = Math.min(head, appliedByAll(await readModel.catalog.liveTargets(job.projections)));
    if (applied >= head || performance.now() >= deadline) return applied;
    await wakeablePause(Math.min(WRITER_LOOK_MS, deadline - performance.now()), (ends) => (wake = ends));
  }
};

/**
 * Applies what the log holds beyond the read model's checkpoints, up to the head as it was when called, then
 * returns. The CLI does this before answering, so it never shows a stale view, server running or not. On a read
 * model whose writer is another node (see writer-lease.ts), it applies nothing: it waits for the writer instead, at
 * most `writerWaitMs`, and says how far the writer got.
 */
export const catchUp = async (options: ReadModelJob & { readonly writerWaitMs?: number }): Promise<CatchUpResult> => {
  const { store, readModel, projections } = options;
  const now = options.now ?? (() => new Date());
  await readModel.catalog.ensure(projections, now().toISOString());
  const head = await store.headPosition();
  if (E.isLeft(head)) throw new EventStoreFailure(head.left);
  const lease = readModel.writerLease();
  try {
    if (!(await lease.acquire())) {
      return { events: 0, position: await writerReaching(readModel, options, lease, head.right, options.writerWaitMs ?? WRITER_WAIT_MS), head: head.right };
    }
    return { ...(await applyUpTo(options, head.right, now)), head: head.right };
  } finally {
    await lease.release();
  }
};

const applyUpTo = async (options: ReadModelJob, head: number, now: () => Date): Promise<Omit<CatchUpResult, 'head'>> => {
  const { store, readModel, projections } = options;
  const cold = await readModel.catalog.liveTargets(projections);
  const versions = new Map((await readModel.catalog.entries()).map((entry) => [entry.name, entry.version]));
  // An empty read model is built like a rebuild: in bulk, each row written once, then swapped in; and so is a
  // projection added beside others that have applied the log (UNBUILT_VERSION), which no live target folds.
  const inBulk = [
    ...(cold.length > 0 && cold.every((t) => t.position === 0) ? cold.map((t) => t.projection) : []),
    ...projections.filter((p) => versions.get(p.name) === UNBUILT_VERSION),
  ];
  const rebuilt = head > 0 && inBulk.length > 0 ? (await rebuildProjections({ ...options, projections: inBulk, now })).events : 0;
  for (let attempt = 0; ; attempt++) {
    const targets = await readModel.catalog.liveTargets(projections);
    const from = Math.min(...targets.map((t) => t.position));
    try {
      const { events } = await foldLog({
        store,
        readModel,
        targets,
        until: head,
        now,
        onProgress: (done) => options.onProgress?.(done, atLeast(done, store.eventsBetween(from, head))),
      });
      return { events: rebuilt + events, position: head };
    } catch (error) {
      // A running server advanced a checkpoint meanwhile: start again from the new checkpoints.
      if (!(error instanceof CheckpointMoved) || attempt >= 5) throw error;
    }
  }
};
