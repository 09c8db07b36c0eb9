import * as E from 'fp-ts/lib/Either.js';
import type { ReadModel } from '../read-model/read-model.js';
import { describeEventStoreError, type EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { logIdentityOf } from '../store/log-identity.js';
import { wakeablePause } from './wakeable-pause.js';

export type ForeignReadModelPolicy = 'rebuild' | 'refuse';

export type ReadModelClaim =
  /** The read model was built from this log (or is new, and now says so). */
  | { readonly kind: 'belongs' }
  /** It was not: it has been emptied, and every projection folds this log from the start. */
  | { readonly kind: 'rebuilt'; readonly reason: string }
  /** It was not, and the policy said to leave it alone: nothing may project into it. */
  | { readonly kind: 'refused'; readonly reason: string };

/** Why the read model's checkpoints cannot be positions of this log, or undefined when they can. */
const foreignBecause = (recorded: string | undefined, current: string | undefined, checkpoint: number, head: number) => {
  if (recorded !== undefined && current !== undefined && recorded !== current) {
    return `the read model was built from log ${recorded}, the event store holds log ${current}`;
  }
  if (checkpoint > head) {
    return `the read model has applied up to position ${checkpoint}, beyond the event store's head ${head} (log wiped or restored from an older backup?)`;
  }
  return undefined;
};

/**
 * Makes sure the read model's checkpoints are positions of this event log before anything projects into it.
 * Checkpoints of another log would be taken at their word: a subscription from beyond the head goes straight to
 * live and skips every event until the log grows past the old offset, and a position that is not on a record
 * boundary fails every read. So the log's identity is recorded beside the checkpoints; a read model of another log
 * is emptied and rebuilt from this one ('rebuild'), or left untouched and refused ('refuse'). Either is said.
 */
export const claimReadModel = async (options: {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  readonly policy: ForeignReadModelPolicy;
  readonly now: () => Date;
}): Promise<E.Either<EventStoreError, ReadModelClaim>> => {
  const { store } = options;
  const { catalog } = options.readModel;
  const identity = await logIdentityOf(store);
  if (E.isLeft(identity)) return identity;
  const head = await store.headPosition();
  if (E.isLeft(head)) return head;
  const reason = foreignBecause(await catalog.logIdentity(), identity.right, await catalog.highestCheckpoint(), head.right);
  if (reason !== undefined && options.policy === 'refuse') return E.right({ kind: 'refused', reason });
  if (reason !== undefined) await catalog.forgetAll();
  if (identity.right !== undefined) await catalog.recordLogIdentity(identity.right, options.now().toISOString());
  return E.right(reason === undefined ? { kind: 'belongs' } : { kind: 'rebuilt', reason });
};

/**
 * claimReadModel for a process about to start on the read model (server, CLI): it may not start when the store
 * cannot be asked or the policy refuses, and is told so with what to do; a rebuild is returned to be logged loudly.
 */
export const claimReadModelAtStart = async (
  options: Parameters<typeof claimReadModel>[0] & { readonly readModelFile: string },
): Promise<ReadModelClaim> => {
  const claim = await claimReadModel(options);
  if (E.isLeft(claim)) {
    throw new Error(`cannot check that the read model belongs to the event store: ${describeEventStoreError(claim.left)}`);
  }
  if (claim.right.kind === 'refused') throw new Error(refusal(options.readModelFile, claim.right.reason));
  return claim.right;
};

export const refusal = (readModelFile: string, reason: string): string =>
  `refusing to use the read model ${readModelFile}: ${reason}. Remove that file to rebuild it from this log, or set FOREIGN_READ_MODEL=rebuild`;

/**
 * For a server that starts while the store cannot be reached (it serves queries from its read model meanwhile): the
 * claim is tried again until the store answers, and the outcome handed to `decided` (which reloads the runner
 * after a rebuild, or stops it after a refusal).
 */
export const claimOnceReachable = (
  options: Parameters<typeof claimReadModel>[0] & {
    readonly retryMs: number;
    readonly decided: (claim: ReadModelClaim) => Promise<void>;
  },
): { readonly stop: () => Promise<void> } => {
  let stopped = false;
  let wake = (): void => undefined;
  const pause = () => wakeablePause(options.retryMs, (ends) => (wake = ends));
  const trying = (async () => {
    while (!stopped) {
      await pause();
      if (stopped) return;
      const claim = await claimReadModel(options);
      if (E.isRight(claim)) return options.decided(claim.right);
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      wake();
      await trying;
    },
  };
};
