/**
 * A pause of `ms` that can end early: `onWake` is handed the function that ends it (a commit seen, a stop asked
 * for), to keep until the next pause replaces it.
 */
export const wakeablePause = (ms: number, onWake: (wake: () => void) => void): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    onWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
