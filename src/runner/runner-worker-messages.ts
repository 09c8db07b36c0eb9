import type { Config } from '../config.js';
import type { CommitReport } from './applied-checkpoints.js';
import type { RebuildStatus } from './rebuild-outdated.js';

/** What the runner's worker thread is started with: it opens its own store and read model from the same config. */
export type RunnerWorkerData = { readonly config: Config };

/** From the server's thread to the runner's worker. */
export type ToRunnerWorker =
  /** Another process swapped tables in (a CLI rebuild): the worker's runner reads the catalog again. */
  | { readonly kind: 'reload'; readonly id: number }
  | { readonly kind: 'stop' };

export type RunnerLogLevel = 'info' | 'warn' | 'error';

/** From the runner's worker to the server's thread. */
export type FromRunnerWorker =
  /** It committed (or started, or reloaded): where that left the checkpoints, as the catalog now holds them. */
  | CommitReport
  /** A log record of the runner, or of the start-up rebuild (`component: 'rebuild'`). */
  | { readonly kind: 'log'; readonly level: RunnerLogLevel; readonly fields: object; readonly message: string; readonly component?: 'rebuild' }
  /** The start-up rebuild (rebuild-outdated.ts) moved on, or ended however it ended. */
  | {
      readonly kind: 'rebuild_progress';
      readonly status: RebuildStatus;
      readonly projections: readonly string[];
      readonly done: number;
      readonly total: number | undefined;
    }
  | { readonly kind: 'rebuild_ended'; readonly status: RebuildStatus; readonly projections: readonly string[] }
  /** A store call of the worker failed (its subscription's reads): counted in the server's metrics. */
  | { readonly kind: 'store_error'; readonly operation: string; readonly error: string }
  | { readonly kind: 'reloaded'; readonly id: number }
  | { readonly kind: 'stopped' };
