import { randomUUID } from 'node:crypto';
import {
  AccessDeniedError,
  DeadlineExceededError,
  UnavailableError,
  UnknownError,
  convertToCommandError,
} from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { EventToAppend, RecordedEvent } from '../../src/store/event-store.js';
import { appendCredentialsOf, eventStoreDbOverClient } from '../../src/store/eventstoredb.js';
import type { AvailabilityChange } from '../../src/store/store-availability.js';
import { storeUnavailableFrom } from '../../src/store/eventstoredb-client.js';
import { describeEventStoreContract } from './event-store.contract.js';
import { createFakeEventStoreDbClient } from './fake-eventstoredb-client.js';

/**
 * The adapter's logic (deduplication, retries, paging, positions, filtering, resubscription) over an in-memory double
 * of the client. This is no evidence about EventStoreDB itself: eventstoredb.int.spec.ts runs the same contract against
 * a real server. A small page size makes every multi-page path run.
 */
const fake = createFakeEventStoreDbClient();
// A long-lived shared server: the log already holds far more than the suite writes.
const FOREIGN_EVENTS = 20_000;
fake.seed('someone-else-1', FOREIGN_EVENTS);
describeEventStoreContract('eventstoredb adapter over an in-memory client double (no server)', {
  open: async () => eventStoreDbOverClient(fake.client, { pageSize: 2 }),
});

describe('the contract suite on a long-lived server', () => {
  it('reads only its own part of the log, never $all from the start', () => {
    expect(fake.reads.events).toBeLessThan(FOREIGN_EVENTS / 10);
  });
});

const event = (): EventToAppend => ({
  id: randomUUID(),
  type: 'contact.updated',
  data: { n: randomUUID() },
  metadata: {},
});

const right = <A>(either: E.Either<unknown, A>): A => {
  if (E.isLeft(either)) throw new Error(`expected Right, got ${JSON.stringify(either.left)}`);
  return either.right;
};

describe('eventstoredb adapter over an in-memory client double (no server)', () => {
  it('stores one copy when two processes append the same event at once', async () => {
    const shared = createFakeEventStoreDbClient();
    const [one, other] = [eventStoreDbOverClient(shared.client), eventStoreDbOverClient(shared.client)];
    const same = event();
    const results = await Promise.all([one.append('contact-a', [same]), other.append('contact-a', [same])]);
    const [first, second] = results.map((result) => right(result).events[0]);
    expect(shared.stored('contact-a')).toHaveLength(1);
    expect(second?.position).toBe(first?.position);
    expect(second?.revision).toBe(0);
  });

  it('reports the loser of two processes appending one event as a duplicate, though the server answers success', async () => {
    const shared = createFakeEventStoreDbClient();
    const [one, other] = [eventStoreDbOverClient(shared.client), eventStoreDbOverClient(shared.client)];
    const same = event();
    const results = await Promise.all([
      one.append('contact-a2', [{ ...same, metadata: { delivery_id: 'first' } }]),
      other.append('contact-a2', [{ ...same, metadata: { delivery_id: 'retry' } }]),
    ]);
    const statuses = results.map((result) => right(result).events[0]?.status);
    expect(statuses.sort()).toEqual(['appended', 'duplicate']);
    expect(shared.stored('contact-a2')).toHaveLength(1);
  });

  it('lets two processes append different events to one stream, retrying the loser', async () => {
    const shared = createFakeEventStoreDbClient();
    const stores = [eventStoreDbOverClient(shared.client), eventStoreDbOverClient(shared.client)];
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => stores[i % 2]?.append('contact-b', [event()]) ?? Promise.reject()),
    );
    const revisions = results.map((result) => right(result).events[0]?.revision).sort((a, b) => (a ?? 0) - (b ?? 0));
    expect(revisions).toEqual(Array.from({ length: 10 }, (_, i) => i));
  });

  it('resubscribes after a lost connection, from the last delivered event, without gaps or repeats', async () => {
    const shared = createFakeEventStoreDbClient();
    const retries: string[] = [];
    const store = eventStoreDbOverClient(shared.client, {
      resubscribe: { initialDelayMs: 5, onResubscribe: ({ reason }) => retries.push(reason) },
    });
    const appended = [];
    for (let i = 0; i < 3; i += 1) appended.push(right(await store.append(`contact-${i}`, [event(), event()])));
    const subscription = store.subscribe();
    const received: RecordedEvent[] = [];
    const iterator = subscription[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i += 1) received.push((await iterator.next()).value as RecordedEvent);
    shared.dropSubscriptions();
    appended.push(right(await store.append('contact-9', [event()])));
    for (let i = 0; i < 4; i += 1) received.push((await iterator.next()).value as RecordedEvent);
    await subscription.close();
    expect(retries).toHaveLength(1);
    expect(received.map((recorded) => recorded.position)).toEqual(
      appended.flatMap((result) => result.events.map((appendedEvent) => appendedEvent.position)),
    );
  });

  it('answers store_unavailable while the server is down, and works again once it is back', async () => {
    const shared = createFakeEventStoreDbClient();
    const store = eventStoreDbOverClient(shared.client);
    shared.down = true;
    const failed = await store.append('contact-c', [event()], 'no_stream');
    expect(E.isLeft(failed) && failed.left.kind).toBe('store_unavailable');
    shared.down = false;
    expect(right(await store.append('contact-c', [event()], 'no_stream')).revision).toBe(0);
  });

  it('reports an id repeated within one batch as a duplicate of its first occurrence', async () => {
    const store = eventStoreDbOverClient(createFakeEventStoreDbClient().client);
    const twice = event();
    const result = right(await store.append('contact-d', [twice, event(), { ...twice, id: twice.id.toUpperCase() }]));
    expect(result.events.map((e) => [e.status, e.revision])).toEqual([
      ['appended', 0],
      ['appended', 1],
      ['duplicate', 0],
    ]);
    expect(result.revision).toBe(1);
  });

  it('finds the head of the log behind the server’s own events', async () => {
    const shared = createFakeEventStoreDbClient();
    const store = eventStoreDbOverClient(shared.client);
    expect(right(await store.headPosition())).toBe(0);
    right(await store.append('contact-e', [event()]));
    const last = right(await store.append('contact-e', [event()]));
    expect(right(await store.headPosition())).toBe(last.events[0]?.position);
  });
});

/** A gRPC ServiceError as grpc-js rejects with, converted as the client converts it. */
function grpcError(code: number, details: string): Error {
  const raw = Object.assign(new Error(`${code} ${details}`), { code, details });
  return convertToCommandError(raw);
}

describe('which EventStoreDB failures mean store_unavailable', () => {
  it.each([
    ['unreachable', new UnavailableError(undefined, '14 UNAVAILABLE: No connection established')],
    ['deadline', new DeadlineExceededError(undefined, '4 DEADLINE_EXCEEDED')],
    ['batch append not handled', new UnknownError(undefined, 'Could not recognize Server Is Not Ready')],
    ['cluster discovery', new Error('Failed to discover after 10 attempts.')],
    ['socket', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    // What the client makes of a gRPC status it has no class for: UnknownError, keeping the status code.
    ['a restarting server', grpcError(13, 'Received RST_STREAM with code 2 triggered by internal client error')],
    ['an overloaded server', grpcError(8, 'Bandwidth exhausted')],
  ])('%s', (_, error) => {
    expect(storeUnavailableFrom(error)?.kind).toBe('store_unavailable');
  });

  it.each([
    ['access denied', new AccessDeniedError(undefined, '7 PERMISSION_DENIED')],
    ['an unknown server error', new UnknownError(undefined, 'Could not recognize something else')],
    ['another internal error', grpcError(13, 'Failed to parse server response')],
    ['a bug', new TypeError('x is undefined')],
  ])('not %s', (_, error) => {
    expect(storeUnavailableFrom(error)).toBeUndefined();
  });
});

describe('what EventStoreDB reads cost', () => {
  it('streams readAll one event at a time instead of collecting a page first', async () => {
    const shared = createFakeEventStoreDbClient();
    shared.seed('contact-big', 1_000);
    const store = eventStoreDbOverClient(shared.client);
    for await (const recorded of store.readAll()) {
      expect(recorded.stream).toBe('contact-big');
      break;
    }
    // The transport may buffer a few events ahead; a 256-event page (the old behaviour) it is not.
    expect(shared.reads.events).toBeLessThan(32);
  });

  it('reads the head with one event when the newest one is ours', async () => {
    const shared = createFakeEventStoreDbClient();
    shared.seed('contact-big', 1_000);
    const store = eventStoreDbOverClient(shared.client);
    const head = right(await store.headPosition());
    expect(head).toBe(Number(shared.stored('contact-big').at(-1)?.position));
    expect(shared.reads.events).toBe(1);
  });
});

describe('an EventStoreDB outage, as the operator sees it', () => {
  it('is told once when the server stops answering and once when it answers again', async () => {
    const shared = createFakeEventStoreDbClient();
    const changes: AvailabilityChange[] = [];
    const store = eventStoreDbOverClient(shared.client, { onAvailability: (change) => changes.push(change) });
    right(await store.append('contact-f', [event()]));
    shared.down = true;
    for (let i = 0; i < 3; i += 1) expect(E.isLeft(await store.append('contact-f', [event()]))).toBe(true);
    expect(E.isLeft(await store.headPosition())).toBe(true);
    shared.down = false;
    right(await store.append('contact-f', [event()]));
    right(await store.headPosition());
    expect(changes.map((change) => change.available)).toEqual([false, true]);
    expect(changes[0]).toMatchObject({ reason: expect.stringContaining('UNAVAILABLE') });
  });

  it('is told when a subscription loses the server', async () => {
    const shared = createFakeEventStoreDbClient();
    const changes: boolean[] = [];
    const store = eventStoreDbOverClient(shared.client, {
      resubscribe: { initialDelayMs: 5 },
      onAvailability: (change) => changes.push(change.available),
    });
    right(await store.append('contact-g', [event()]));
    const subscription = store.subscribe();
    const iterator = subscription[Symbol.asyncIterator]();
    await iterator.next();
    shared.dropSubscriptions();
    right(await store.append('contact-g', [event()]));
    await iterator.next();
    await subscription.close();
    expect(changes).toEqual([false, true]);
  });
});

describe('EventStoreDB append deadlines', () => {
  it('sends credentials with every append, so the client takes the call whose deadline is relative', async () => {
    const shared = createFakeEventStoreDbClient();
    const credentials = { username: 'ops', password: 'secret' };
    const store = eventStoreDbOverClient(shared.client, { deadlineMs: 1_234, appendCredentials: credentials });
    right(await store.append('contact-h', [event()]));
    expect(shared.appendOptions).toEqual([expect.objectContaining({ credentials, deadline: 1_234 })]);
  });

  it.each([
    ['the user of the connection string', 'esdb://ops:s%40cret@db:2113?tls=true', { username: 'ops', password: 's@cret' }],
    ['any, in insecure mode (the client ignores them)', 'esdb://db:2113?tls=false', expect.any(Object)],
    ['none with client certificates only', 'esdb://db:2113?tls=true&userCertFile=/c.pem&userKeyFile=/k.pem', undefined],
  ])('takes %s', (_, connectionString, expected) => {
    expect(appendCredentialsOf(connectionString)).toEqual(expected);
  });
});
