import { describe, expect, it } from 'vitest';
import { batches } from '../../src/runner/batches.js';

describe('batches', () => {
  it('groups what is already available and closes a batch when the source would wait', async () => {
    const source = (async function* () {
      yield* [1, 2, 3];
    })();
    const seen: number[][] = [];
    for await (const batch of batches(source, 2)) seen.push(batch);
    expect(seen).toEqual([[1, 2], [3]]);
  });

  it('ends at once when its consumer stops while the source is still waiting for the next item', async () => {
    // Given a live source: one item, then nothing until it is closed (a subscription with no new events).
    let close: () => void = () => undefined;
    const source = (async function* () {
      yield 1;
      await new Promise<void>((resolve) => (close = resolve));
    })();
    const iterator = batches(source, 10)[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual([1]);

    // When the consumer stops (a failed commit), then the generator ends without waiting for an item that may never come.
    const ended = await Promise.race([
      iterator.return(undefined).then(() => 'ended'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting for the source'), 2000)),
    ]);
    close();
    expect(ended).toBe('ended');
  });
});
