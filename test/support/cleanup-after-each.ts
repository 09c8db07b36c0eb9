import { afterEach } from 'vitest';

/**
 * Steps that undo a test's set-up (close a store, stop a runner, remove a directory), pushed as the test goes and
 * run after it last-first, whatever happened. Call it inside the `describe` whose tests push to it.
 */
export const cleanupAfterEach = (): (() => Promise<void> | void)[] => {
  const steps: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const step of steps.splice(0).reverse()) await step();
  });
  return steps;
};
