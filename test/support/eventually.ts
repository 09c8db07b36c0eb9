import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` until it returns a value other than undefined, and returns it; fails naming `what` once the deadline
 * passes. For what can only be polled (another process's files, a job's state), never in place of an event to await.
 */
export const eventually = async <A>(what: string, check: () => A | undefined | Promise<A | undefined>, deadlineMs = 20_000): Promise<A> => {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = await check();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting until ${what}`);
    await sleep(10);
  }
};
