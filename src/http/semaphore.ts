/** Places for at most `size` holders at once; one that finds none free is refused, never queued. */
type Semaphore = {
  /** A place and the function that gives it back (once, however often it is called); undefined when all are taken. */
  readonly tryAcquire: () => (() => void) | undefined;
};

export const semaphore = (size: number): Semaphore => {
  let held = 0;
  return {
    tryAcquire: () => {
      if (held >= size) return undefined;
      held += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        held -= 1;
      };
    },
  };
};
