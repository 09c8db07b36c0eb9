import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { describeEventStoreError, type EventStoreError } from '../store/event-store-error.js';
import { quarantineSize } from './quarantine-size.js';
import { retryEveryQuarantined, type RetryDeps, type RetryOutcome } from './retry-quarantine.js';

type RetryCounts = { readonly [S in RetryOutcome['status']]: number };

/** A retry of all of quarantine, running in the background, as its progress is read. */
type RetryJob = {
  readonly job_id: string;
  readonly state: 'running' | 'done' | 'failed' | 'stopped';
  readonly started_at: string;
  readonly finished_at: string | null;
  /** Records in quarantine when the job started (it also retries any kept meanwhile). */
  readonly total: number;
  readonly retried: number;
  readonly outcomes: RetryCounts;
  readonly error: string | null;
};

export type RetryJobs = {
  /** Starts a job unless one is running; either way, the job that runs now. */
  readonly start: () => Promise<E.Either<EventStoreError, { readonly started: boolean; readonly job: RetryJob }>>;
  /** The running job, else the last one to finish; undefined before the first. */
  readonly current: () => RetryJob | undefined;
  /** Stops a running job between two records, and waits for it. */
  readonly stop: () => Promise<void>;
};

const noOutcomes: RetryCounts = { appended: 0, duplicate: 0, still_invalid: 0, stream_deleted: 0, unavailable: 0 };

/** One retry-all job at a time per process: a second start while one runs is told about the running one. */
export const retryJobs = (deps: RetryDeps & { readonly onError: (error: unknown) => void }): RetryJobs => {
  let job: RetryJob | undefined;
  let running: Promise<void> | undefined;
  let stopping = false;
  const runningJob = () => (job?.state === 'running' ? job : undefined);

  const run = async (id: string) => {
    const update = (change: Partial<RetryJob>) => {
      if (job?.job_id === id) job = { ...job, ...change };
    };
    const walked = await retryEveryQuarantined(
      deps,
      (outcome) => {
        if (job === undefined) return;
        update({ retried: job.retried + 1, outcomes: { ...job.outcomes, [outcome.status]: job.outcomes[outcome.status] + 1 } });
      },
      () => stopping,
    );
    const finished_at = deps.now().toISOString();
    if (E.isLeft(walked)) update({ state: 'failed', finished_at, error: describeEventStoreError(walked.left) });
    else update({ state: stopping ? 'stopped' : 'done', finished_at });
  };

  return {
    start: async () => {
      const before = runningJob();
      if (before !== undefined) return E.right({ started: false, job: before });
      const total = await quarantineSize(deps.store);
      if (E.isLeft(total)) return total;
      // Checked again: another start may have begun while the length was read.
      const meanwhile = runningJob();
      if (meanwhile !== undefined) return E.right({ started: false, job: meanwhile });
      const started: RetryJob = {
        job_id: randomUUID(),
        state: 'running',
        started_at: deps.now().toISOString(),
        finished_at: null,
        total: total.right,
        retried: 0,
        outcomes: noOutcomes,
        error: null,
      };
      job = started;
      stopping = false;
      // A bug must not become an unhandled rejection in the background: the job says it failed, the log says why.
      running = run(started.job_id).catch((error: unknown) => {
        if (job?.job_id === started.job_id) job = { ...job, state: 'failed', finished_at: deps.now().toISOString(), error: 'internal error' };
        deps.onError(error);
      });
      return E.right({ started: true, job: started });
    },
    current: () => job,
    stop: async () => {
      stopping = true;
      await running;
    },
  };
};
