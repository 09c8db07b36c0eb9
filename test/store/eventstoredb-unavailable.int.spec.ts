import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreFailure } from '../../src/store/event-store-error.js';
import type { OpenedStore } from '../../src/store/event-store.js';
import { openEventStoreDb } from '../../src/store/eventstoredb.js';
import { eventually } from '../support/eventually.js';
import { freePort } from '../support/server-process.js';

const within = async <A>(ms: number, work: () => Promise<A>): Promise<A> => {
  const started = Date.now();
  const result = await work();
  expect(Date.now() - started).toBeLessThan(ms);
  return result;
};

const unavailable = (either: E.Either<{ kind: string }, unknown>): string =>
  E.isLeft(either) ? either.left.kind : 'right';

describe('EventStoreDB adapter when no server answers', () => {
  let store: OpenedStore;
  const retries: number[] = [];

  beforeAll(async () => {
    const port = await freePort();
    store = await openEventStoreDb(`esdb://127.0.0.1:${port}?tls=false`, {
      deadlineMs: 2_000,
      resubscribe: { initialDelayMs: 20, maxDelayMs: 100, onResubscribe: ({ attempt }) => retries.push(attempt) },
    });
  });
  afterAll(async () => {
    await within(3_000, () => store.close());
  });

  it('answers append, readStream, headPosition and the write probe with store_unavailable, quickly', async () => {
    const event = { id: randomUUID(), type: 'contact.created', data: { n: 1 }, metadata: {} };
    const appendAny = await within(10_000, () => store.append('contact-1', [event], 'any'));
    expect(unavailable(appendAny)).toBe('store_unavailable');
    const appendNew = await within(10_000, () => store.append('contact-1', [event], 'no_stream'));
    expect(unavailable(appendNew)).toBe('store_unavailable');
    expect(unavailable(await within(10_000, () => store.readStream('contact-1')))).toBe('store_unavailable');
    expect(unavailable(await within(10_000, () => store.headPosition()))).toBe('store_unavailable');
    expect(unavailable(await within(10_000, () => store.probeWrites()))).toBe('store_unavailable');
  });

  it('fails a readAll iteration with EventStoreFailure store_unavailable', async () => {
    const failure = await within(10_000, async () => {
      try {
        for await (const recorded of store.readAll()) expect.fail(`unexpected event ${recorded.id}`);
      } catch (error) {
        return error;
      }
      return undefined;
    });
    expect(failure).toBeInstanceOf(EventStoreFailure);
    expect((failure as EventStoreFailure).error.kind).toBe('store_unavailable');
  });

  it('keeps a subscription retrying until it is closed, then ends its iteration promptly', async () => {
    const subscription = store.subscribe();
    const pending = subscription[Symbol.asyncIterator]().next();
    let settled = false;
    void pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    await eventually('the subscription has tried again twice', () => (retries.length >= 2 ? true : undefined), 10_000);
    expect(settled).toBe(false);
    expect(retries.length).toBeGreaterThanOrEqual(2);
    await within(1_000, () => subscription.close());
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
  });
});
