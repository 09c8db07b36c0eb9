import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventStoreFailure } from '../../src/store/event-store-error.js';
import type { EventToAppend, OpenedStore, RecordedEvent } from '../../src/store/event-store.js';

/**
 * The behaviour every EventStore adapter must have. Stream names carry a per-run prefix, and every read of the
 * global log starts at the head as it was before the test wrote (never at the start of the log), so that the suite
 * can run against a shared, long-lived server (EventStoreDB) as well as a fresh embedded file.
 */
export type ContractTarget = {
  /** Opens the store; called again after `close` to prove durability across restarts. */
  readonly open: () => Promise<OpenedStore>;
};

const event = (type = 'contact.created', data: unknown = { n: randomUUID() }): EventToAppend => ({
  id: randomUUID(),
  type,
  data,
  metadata: { delivery_id: randomUUID() },
});

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`expected Right, got ${JSON.stringify(either.left)}`);
  return either.right;
};

/** The first `count` events of `iterable` in the streams named (a subscription takes no filter: the reader's own). */
const collect = async (iterable: AsyncIterable<RecordedEvent>, count: number, streams: readonly string[]): Promise<RecordedEvent[]> => {
  const out: RecordedEvent[] = [];
  if (count === 0) return out;
  for await (const recorded of iterable) {
    if (!streams.includes(recorded.stream)) continue;
    out.push(recorded);
    if (out.length >= count) break;
  }
  return out;
};

export const describeEventStoreContract = (name: string, target: ContractTarget): void => {
  describe(`EventStore contract: ${name}`, () => {
    let store: OpenedStore;
    const run = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    let streamCounter = 0;
    const newStream = (kind = 'contact') => `${run}_${kind}-${String(++streamCounter).padStart(4, '0')}`;
    const ownStreams = { streamPrefixes: [`${run}_`] };
    /** Where this test's events begin in the global log: after everything already in it. */
    const headBeforeTest = async () => right(await store.headPosition());

    beforeAll(async () => {
      store = await target.open();
    });
    afterAll(async () => {
      await store.close();
    });

    it('appends to a new stream at revision 0 and reads back data and metadata unchanged', async () => {
      const stream = newStream();
      const appended = event('contact.created', { contact: { id: 42, name: 'Sarah', tags: [], créé: 'ü' } });
      const result = right(await store.append(stream, [appended], 'no_stream'));
      expect(result.revision).toBe(0);
      expect(result.events).toEqual([
        { id: appended.id, status: 'appended', revision: 0, position: expect.any(Number) },
      ]);
      const [read] = right(await store.readStream(stream));
      expect(read).toMatchObject({
        id: appended.id,
        stream,
        type: 'contact.created',
        revision: 0,
        position: result.events[0]?.position,
        data: appended.data,
        metadata: appended.metadata,
      });
      expect(Number.isNaN(Date.parse(read?.recordedAt ?? ''))).toBe(false);
    });

    it('rewrites the data and metadata of the named events (erasure), keeping ids, types and order', async () => {
      const stream = newStream();
      const [first, second, third] = [event(), event(), event()];
      if (first === undefined || second === undefined || third === undefined) throw new Error('unreachable');
      right(await store.append(stream, [first, second, third], 'no_stream'));
      const rewritten = right(
        await store.rewriteEvents(stream, [
          { id: first.id, data: { n: '[redacted]' }, metadata: { erased_by: 'e1' } },
          { id: third.id, data: { n: '[redacted]' }, metadata: { erased_by: 'e1' } },
        ]),
      );
      expect(rewritten).toBe(2);
      const read = right(await store.readStream(stream));
      expect(read.map((e) => [e.id, e.type, e.data, e.metadata])).toEqual([
        [first.id, first.type, { n: '[redacted]' }, { erased_by: 'e1' }],
        [second.id, second.type, second.data, second.metadata],
        [third.id, third.type, { n: '[redacted]' }, { erased_by: 'e1' }],
      ]);
      // The id is unchanged, so the original delivery appended again is still a duplicate.
      const again = right(await store.append(stream, [first]));
      expect(again.events[0]?.status).toBe('duplicate');
      expect(right(await store.readStream(stream))).toHaveLength(3);
      right(await store.purgeRewritten());
    });

    it('stores an event about a stream marked erased redacted, marks its own stream, and stops once the marks are lifted', async () => {
      const person = `p${randomUUID()}`;
      const [own, booking, other] = [newStream(), newStream('booking'), newStream()];
      const about = (stream: string, named: readonly string[], n: string): EventToAppend => ({
        ...event('booking.updated', { n }),
        personal: { about: () => [stream, ...named], redacted: () => ({ data: { n: '[redacted]' }, metadata: { erased_by: 'intake' } }) },
      });
      right(await store.markErased(person, [own]));
      right(await store.append(booking, [about(booking, [own], 'names her')]));
      // Its own stream is marked now: a later event of the booking that does not name her is redacted too.
      right(await store.append(booking, [about(booking, [], 'names nobody')]));
      right(await store.append(other, [about(other, [], 'not hers')]));
      expect(right(await store.readStream(booking)).map((e) => [e.data, e.metadata])).toEqual([
        [{ n: '[redacted]' }, { erased_by: 'intake' }],
        [{ n: '[redacted]' }, { erased_by: 'intake' }],
      ]);
      expect(right(await store.readStream(other)).map((e) => e.data)).toEqual([{ n: 'not hers' }]);
      expect(right(await store.erasureMarks())[person]).toEqual([booking, own].sort());
      right(await store.liftErased(person));
      right(await store.append(booking, [about(booking, [own], 'after the lift')]));
      expect(right(await store.readStream(booking)).map((e) => e.data).at(-1)).toEqual({ n: 'after the lift' });
      expect(right(await store.erasureMarks())[person]).toBeUndefined();
    });

    it('gives a batch consecutive revisions and increasing positions', async () => {
      const stream = newStream();
      const result = right(await store.append(stream, [event(), event(), event()], 'no_stream'));
      expect(result.revision).toBe(2);
      expect(result.events.map((e) => e.revision)).toEqual([0, 1, 2]);
      const positions = result.events.map((e) => e.position);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(3);
    });

    it('reports an event id already in the stream as a duplicate of the original and stores nothing new', async () => {
      const stream = newStream();
      const first = event();
      const original = right(await store.append(stream, [first, event()], 'any'));
      const again = right(await store.append(stream, [first], 'any'));
      expect(again.events).toEqual([
        { id: first.id, status: 'duplicate', revision: 0, position: original.events[0]?.position },
      ]);
      expect(right(await store.readStream(stream))).toHaveLength(2);
    });

    it('appends the new events of a batch that also repeats old ones', async () => {
      const stream = newStream();
      const old = event();
      right(await store.append(stream, [old], 'no_stream'));
      const fresh = event();
      const result = right(await store.append(stream, [old, fresh], 'any'));
      expect(result.events.map((e) => [e.id, e.status, e.revision])).toEqual([
        [old.id, 'duplicate', 0],
        [fresh.id, 'appended', 1],
      ]);
      expect(result.revision).toBe(1);
    });

    it('treats a repeated append with a stale expected revision as idempotent when every event is a duplicate', async () => {
      const stream = newStream();
      const only = event();
      right(await store.append(stream, [only], 'no_stream'));
      right(await store.append(stream, [event()], 0));
      const again = right(await store.append(stream, [only], 'no_stream'));
      expect(again.events[0]?.status).toBe('duplicate');
    });

    it('rejects an append whose expected revision does not match', async () => {
      const stream = newStream();
      right(await store.append(stream, [event()], 'no_stream'));
      const stale = await store.append(stream, [event()], 'no_stream');
      expect(E.isLeft(stale) && stale.left.kind).toBe('wrong_expected_revision');
      const wrong = await store.append(stream, [event()], 5);
      expect(E.isLeft(wrong) && wrong.left.kind).toBe('wrong_expected_revision');
      const fine = right(await store.append(stream, [event()], 0));
      expect(fine.revision).toBe(1);
      expect(right(await store.readStream(stream))).toHaveLength(2);
    });

    it('rejects a wrong expected revision without touching the appends that arrive with it', async () => {
      const stream = newStream();
      const other = newStream();
      right(await store.append(stream, [event()], 'no_stream'));
      const [rejected, accepted, alsoAccepted] = await Promise.all([
        store.append(stream, [event(), event()], 7),
        store.append(other, [event(), event()], 'no_stream'),
        store.append(stream, [event()], 0),
      ]);
      expect(E.isLeft(rejected!) && rejected.left.kind).toBe('wrong_expected_revision');
      expect(right(accepted!).revision).toBe(1);
      expect(right(alsoAccepted!).revision).toBe(1);
      expect(right(await store.readStream(stream))).toHaveLength(2);
      expect(right(await store.readStream(other))).toHaveLength(2);
    });

    it('answers stream_not_found for a stream that was never written', async () => {
      const missing = await store.readStream(newStream());
      expect(E.isLeft(missing) && missing.left.kind).toBe('stream_not_found');
    });

    it('reads a stream forwards and backwards, from a revision, with a limit', async () => {
      const stream = newStream();
      const events = [event(), event(), event(), event(), event()];
      right(await store.append(stream, events, 'no_stream'));
      const ids = (read: readonly RecordedEvent[]) => read.map((e) => e.id);
      expect(ids(right(await store.readStream(stream)))).toEqual(events.map((e) => e.id));
      expect(ids(right(await store.readStream(stream, { fromRevision: 2, limit: 2 })))).toEqual(
        events.slice(2, 4).map((e) => e.id),
      );
      expect(ids(right(await store.readStream(stream, { direction: 'backwards', limit: 2 })))).toEqual(
        [events[4], events[3]].map((e) => e?.id),
      );
      expect(ids(right(await store.readStream(stream, { direction: 'backwards', fromRevision: 1 })))).toEqual(
        [events[1], events[0]].map((e) => e?.id),
      );
    });

    it('reads the global log in position order, after a position, filtered by stream prefix', async () => {
      const contacts = newStream('contact');
      const bookings = newStream('booking');
      const start = await headBeforeTest();
      const a = right(await store.append(contacts, [event('contact.created')], 'any'));
      right(await store.append(bookings, [event('booking.created')], 'any'));
      right(await store.append(contacts, [event('contact.updated')], 'any'));
      const mine: RecordedEvent[] = [];
      for await (const recorded of store.readAll({ fromPosition: start, filter: ownStreams })) mine.push(recorded);
      const positions = mine.map((e) => e.position);
      expect([...positions].sort((x, y) => x - y)).toEqual(positions);
      const after: RecordedEvent[] = [];
      const from = a.events[0]?.position ?? 0;
      for await (const recorded of store.readAll({
        fromPosition: from,
        filter: { streamPrefixes: [contacts] },
      })) {
        after.push(recorded);
      }
      expect(after.map((e) => e.type)).toEqual(['contact.updated']);
    });

    it('subscribes with catch-up then live delivery, in global order, without gaps or repeats', async () => {
      const streams = [newStream(), newStream(), newStream()];
      const start = await headBeforeTest();
      const before = await Promise.all(streams.map((s) => store.append(s, [event(), event()], 'any')));
      const subscription = store.subscribe({ fromPosition: start });
      try {
        const received = collect(subscription, 12, streams);
        const live = await Promise.all(streams.map((s) => store.append(s, [event(), event()], 'any')));
        const events = await received;
        const expected = [...before, ...live]
          .flatMap((r) => right(r).events.map((e) => e.position))
          .sort((x, y) => x - y);
        expect(events.map((e) => e.position)).toEqual(expected);
      } finally {
        await subscription.close();
      }
    });

    it('subscribes from a position, exclusively', async () => {
      const stream = newStream();
      const result = right(await store.append(stream, [event(), event(), event()], 'any'));
      const from = result.events[0]?.position ?? 0;
      const subscription = store.subscribe({ fromPosition: from });
      try {
        const events = await collect(subscription, 2, [stream]);
        expect(events.map((e) => e.revision)).toEqual([1, 2]);
      } finally {
        await subscription.close();
      }
    });

    it('ends a subscription left while it waits for the next event, without that event arriving', async () => {
      const start = await headBeforeTest();
      await store.append(newStream(), [event()], 'any');
      const subscription = store.subscribe({ fromPosition: start });
      const iterator = subscription[Symbol.asyncIterator]();
      expect((await iterator.next()).done).toBe(false);
      const waiting = iterator.next();
      // What a for-await does when its body throws or breaks: a hang here fails the test by its timeout.
      await iterator.return?.();
      expect((await waiting).done).toBe(true);
    });

    it('stores exactly one event when the same delivery is appended concurrently', async () => {
      const stream = newStream();
      const same = event();
      const results = await Promise.all(Array.from({ length: 10 }, () => store.append(stream, [same], 'any')));
      const statuses = results.map((r) => right(r).events[0]?.status);
      expect(statuses.filter((s) => s === 'appended')).toHaveLength(1);
      expect(statuses.filter((s) => s === 'duplicate')).toHaveLength(9);
      expect(right(await store.readStream(stream))).toHaveLength(1);
    });

    it('serializes concurrent appends of different events to one stream', async () => {
      const stream = newStream();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.append(stream, [event()], 'any')));
      const revisions = results.map((r) => right(r).events[0]?.revision).sort((a, b) => (a ?? 0) - (b ?? 0));
      expect(revisions).toEqual(Array.from({ length: 20 }, (_, i) => i));
    });

    it('reports the head of the log at or after the last append', async () => {
      const result = right(await store.append(newStream(), [event()], 'any'));
      expect(right(await store.headPosition())).toBeGreaterThanOrEqual(result.events[0]?.position ?? Infinity);
    });

    it('answers a write probe without adding to the log', async () => {
      const head = right(await store.headPosition());
      expect(await store.probeWrites()).toEqual(E.right(undefined));
      expect(await store.probeWrites()).toEqual(E.right(undefined));
      expect(right(await store.headPosition())).toBe(head);
    });

    it('answers store_unavailable once closed, one way per member: calls as a Left, readAll by throwing; a subscription ends', async () => {
      const closed = await target.open();
      await closed.close();
      const unavailable = E.left({ kind: 'store_unavailable', reason: 'store closed' });
      expect(await closed.append(newStream(), [event()])).toEqual(unavailable);
      expect(await closed.readStream(newStream())).toEqual(unavailable);
      expect(await closed.headPosition()).toEqual(unavailable);
      expect(await closed.probeWrites()).toEqual(unavailable);
      expect(await closed.rewriteEvents(newStream(), [])).toEqual(unavailable);
      await expect(closed.readAll()[Symbol.asyncIterator]().next()).rejects.toBeInstanceOf(EventStoreFailure);
      expect(await closed.subscribe()[Symbol.asyncIterator]().next()).toEqual({ done: true, value: undefined });
    });

    it('keeps events and their deduplication across a restart', async () => {
      const stream = newStream();
      const kept = event();
      const original = right(await store.append(stream, [kept], 'no_stream'));
      await store.close();
      store = await target.open();
      const again = right(await store.append(stream, [kept], 'any'));
      expect(again.events[0]).toEqual({ ...original.events[0], status: 'duplicate' });
      expect(right(await store.readStream(stream)).map((e) => e.id)).toEqual([kept.id]);
    });
  });
};
