import { resolve } from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';

/** Commits to the embedded store's file, as its subscriptions learn of them. */
export type SqliteCommits = {
  /** How many commits this connection has been told of: a subscription woken while it was reading reads again at once. */
  readonly told: () => number;
  /** Settles at the next commit told, after the poll interval (another process's commits are found only by polling), or once `stopped` settles. */
  readonly next: (stopped: Promise<void>) => Promise<void>;
  /** A commit of this connection. */
  readonly committed: () => void;
  /** The store closes: every wait ends, and no commit is told any more. */
  readonly close: () => void;
};

/**
 * Commits of this connection wake its subscriptions at once; another thread of this process with its own connection
 * to the file (the server's intake and the runner's worker) tells of its commits on a channel named after the file.
 */
export const sqliteCommits = (file: string, pollIntervalMs: number): SqliteCommits => {
  const waiters = new Set<() => void>();
  let wakes = 0;
  const wake = () => {
    wakes += 1;
    for (const waiter of waiters) waiter();
    waiters.clear();
  };
  const channel = new BroadcastChannel(`skylight-events:${resolve(file)}`);
  channel.unref();
  channel.onmessage = wake;
  return {
    told: () => wakes,
    next: (stopped) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        waiters.add(done);
        void stopped.then(done);
      }),
    committed: () => {
      wake();
      channel.postMessage(null);
    },
    close: () => {
      channel.close();
      wake();
    },
  };
};
