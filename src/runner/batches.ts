import { setImmediate } from 'node:timers/promises';

/** What the turn of the event loop resolves with: the source had nothing ready before it. */
const TURN = Symbol('turn');

/**
 * Groups an async sequence into batches: everything already available (up to `maxSize`) goes into one batch; a
 * batch closes as soon as the source would have to wait (the event loop turns first). So catch-up yields large
 * batches and live traffic small, prompt ones.
 */
export async function* batches<T>(source: AsyncIterable<T>, maxSize: number): AsyncGenerator<T[]> {
  const iterator = source[Symbol.asyncIterator]();
  let carried: Promise<IteratorResult<T>> | undefined;
  try {
    for (;;) {
      const first = await (carried ?? iterator.next());
      carried = undefined;
      if (first.done === true) return;
      const batch = [first.value];
      const turn = setImmediate(TURN);
      while (batch.length < maxSize) {
        const next = iterator.next();
        const result = await Promise.race([next, turn]);
        if (result === TURN) {
          carried = next;
          break;
        }
        if (result.done === true) {
          yield batch;
          return;
        }
        batch.push(result.value);
      }
      yield batch;
    }
  } finally {
    // A read still pending (a live subscription waiting for the next event) would hold the return until that
    // event arrives: leave it to settle, and to the source's close to end it.
    const ending = iterator.return?.();
    if (carried === undefined) await ending;
    else void ending?.catch(() => undefined);
  }
}
