import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { z } from 'zod';
import { describeEventStoreError } from '../store/event-store-error.js';
import { eraseContact, type EraseDeps } from './erase-contact.js';
import { ErasureRecord } from './erasure-record.js';
import { ForgetProgress } from './forget-progress.js';


export const ForgetJob = z
  .object({
    job_id: z.string(),
    contact_id: z.string(),
    state: z.enum(['running', 'done', 'not_found', 'failed']).describe('not_found: no event names the contact; nothing was changed'),
    started_at: z.string(),
    finished_at: z.string().nullable(),
    progress: ForgetProgress.nullable(),
    outcome: z
      .object({
        status: z.enum(['erased', 'already_erased']),
        erasure: ErasureRecord,
        read_model_purged: z.boolean().describe("false: this node's read model had not applied the forget in time; run it again"),
      })
      .nullable(),
    error: z.string().nullable(),
  })
  .meta({ id: 'ForgetJob' });
export type ForgetJob = z.infer<typeof ForgetJob>;

export type ForgetJobs = {
  /** Starts the forget of a contact unless one runs; either way, the job that runs now. */
  readonly start: (key: string, reason: string) => { readonly started: boolean; readonly job: ForgetJob };
  /** The running job, else the last one to finish; undefined before the first. */
  readonly current: () => ForgetJob | undefined;
  /** Waits for a running job (a forget is not stopped half-way: running it again would finish it). */
  readonly stop: () => Promise<void>;
};

/**
 * One forget at a time per process, in the background: the request that starts it is answered at once, and the
 * forget's scan and rewrites give the event loop back between pages, so that /health and intake keep answering
 * however long the log.
 */
export const forgetJobs = (deps: EraseDeps & { readonly onError: (error: unknown) => void }): ForgetJobs => {
  let job: ForgetJob | undefined;
  let running: Promise<void> = Promise.resolve();
  const update = (id: string, change: Partial<ForgetJob>) => {
    if (job?.job_id === id) job = { ...job, ...change };
  };

  const run = async (id: string, key: string, reason: string) => {
    const erased = await eraseContact({ ...deps, onProgress: (progress) => update(id, { progress }) }, key, reason);
    const finished_at = deps.now().toISOString();
    if (E.isLeft(erased)) update(id, { state: 'failed', finished_at, error: describeEventStoreError(erased.left) });
    else if (erased.right === undefined) update(id, { state: 'not_found', finished_at });
    else {
      const { status, erasure, read_model_purged } = erased.right;
      update(id, { state: 'done', finished_at, progress: null, outcome: { status, erasure, read_model_purged } });
    }
  };

  return {
    start: (key, reason) => {
      if (job?.state === 'running') return { started: false, job };
      const started: ForgetJob = {
        job_id: randomUUID(),
        contact_id: key,
        state: 'running',
        started_at: deps.now().toISOString(),
        finished_at: null,
        progress: null,
        outcome: null,
        error: null,
      };
      job = started;
      // A bug must not become an unhandled rejection in the background: the job says it failed, the log says why.
      running = run(started.job_id, key, reason).catch((error: unknown) => {
        update(started.job_id, { state: 'failed', finished_at: deps.now().toISOString(), error: 'internal error' });
        deps.onError(error);
      });
      return { started: true, job: started };
    },
    current: () => job,
    stop: () => running,
  };
};
