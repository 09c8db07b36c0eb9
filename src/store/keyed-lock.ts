/** Runs work one at a time per key, in call order; work under other keys is not held up. */
export type KeyedLock = <A>(key: string, work: () => Promise<A>) => Promise<A>;

export const createKeyedLock = (): KeyedLock => {
  const tails = new Map<string, Promise<void>>();
  return async (key, work) => {
    const previous = tails.get(key) ?? Promise.resolve();
    let release = (): void => undefined;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => done);
    tails.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      // The last one out removes the key, so the map holds only keys with work in flight.
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
};
