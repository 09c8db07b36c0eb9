import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START as FROM_START,
  StreamDeletedError,
  StreamNotFoundError,
  type ReadPosition,
  type RecordedEvent as StoredEvent,
} from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, describeEventStoreError, type EventStoreError } from './event-store-error.js';
import {
  START,
  type EventStore,
  type OpenedStore,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Subscription,
} from './event-store.js';
import { appendDeduplicated, type AppendSettings } from './eventstoredb-append.js';
import { ERASURE_MARKS_STREAM, erasureMarksStream } from './erasure-marks-stream.js';
import { openIdIndex, type IdIndex } from './eventstoredb-id-index.js';
import { rewriteByCopy } from './eventstoredb-rewrite.js';
import {
  ignore,
  readWithDeadline,
  storeUnavailableFrom,
  withDeadline,
  type EventStoreDbClient,
} from './eventstoredb-client.js';
import {
  isSystemEvent,
  matchesFilter,
  requirePosition,
  toReadPosition,
  toRecordedEvent,
} from './eventstoredb-records.js';
import { subscribeResiliently, type ResubscribeSettings } from './eventstoredb-subscription.js';
import { createKeyedLock } from './keyed-lock.js';
import { storeAvailability, type AvailabilityListener, type StoreAvailability } from './store-availability.js';

export type EventStoreDbOptions = {
  /** Bound on each call, and on each wait for the next event of a read, so a down server answers fast. Default 5000. */
  readonly deadlineMs?: number;
  /** Events per backward page of a stream when looking for duplicate ids. Default 256, at least 2. */
  readonly pageSize?: number;
  /** Tries of an 'any' append that keeps losing races to other processes. Default 5. */
  readonly appendAttempts?: number;
  /** Subscription reconnect pauses. Default 100 ms doubling up to 5000 ms. */
  readonly resubscribe?: Partial<ResubscribeSettings>;
  /** Told when the server stops answering and when it answers again (once per transition, for the log). */
  readonly onAvailability?: AvailabilityListener;
  /**
   * Sent with every append. With credentials the client uses the unary Append call, whose deadline travels as a
   * relative gRPC timeout, and skips its server-features probe; without them it uses BatchAppend, which sends the
   * deadline as an absolute time (a server clock ahead of ours times every append out) after a probe that has no
   * deadline and is cached (client 6.2.1: dist/streams/appendToStream/index.js, batchAppend.js createDeadline).
   */
  readonly appendCredentials?: AppendSettings['credentials'];
  /**
   * A local SQLite file for the id index (eventstoredb-id-index.ts): with it an append reads only the events newer
   * than the index, not the whole stream, to find duplicates. Without it, catch-all streams make intake linear.
   */
  readonly idIndexFile?: string;
};

type Settings = AppendSettings & { readonly resubscribe: ResubscribeSettings };

const settingsFrom = (options: EventStoreDbOptions): Settings => {
  const settings = {
    deadlineMs: options.deadlineMs ?? 5_000,
    pageSize: options.pageSize ?? 256,
    appendAttempts: options.appendAttempts ?? 5,
    credentials: options.appendCredentials,
    resubscribe: { initialDelayMs: 100, maxDelayMs: 5_000, ...options.resubscribe },
  };
  if (!(settings.deadlineMs > 0)) throw new RangeError('deadlineMs must be positive');
  // Pages restart at the last event read, so a page must hold more than that one event to make progress.
  if (!Number.isInteger(settings.pageSize) || settings.pageSize < 2) {
    throw new RangeError('pageSize must be an integer >= 2');
  }
  if (!Number.isInteger(settings.appendAttempts) || settings.appendAttempts < 1) {
    throw new RangeError('appendAttempts must be an integer >= 1');
  }
  return settings;
};

/** Turns an unreachable server into the port's store_unavailable; everything else is a bug and is rethrown. */
const answering =
  (availability: StoreAvailability) =>
  async <A>(work: () => Promise<E.Either<EventStoreError, A>>): Promise<E.Either<EventStoreError, A>> => {
    try {
      const answer = await work();
      availability.answered();
      return answer;
    } catch (error) {
      const unavailable = storeUnavailableFrom(error);
      if (unavailable === undefined) throw error;
      availability.failed(describeEventStoreError(unavailable));
      return E.left(unavailable);
    }
  };

/** The same inside an iteration, where the error can only be thrown. */
const failing =
  (availability: StoreAvailability) =>
  (error: unknown): never => {
    const unavailable = storeUnavailableFrom(error);
    if (unavailable === undefined) throw error;
    availability.failed(describeEventStoreError(unavailable));
    throw new EventStoreFailure(unavailable);
  };

const collect = async <A>(items: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/** maxCount for a read that goes on until the caller stops pulling. */
const EVERYTHING = BigInt(Number.MAX_SAFE_INTEGER);

/** The EventStore port over an EventStoreDB client (real, or a test double of it). */
export const eventStoreDbOverClient = (client: EventStoreDbClient, options: EventStoreDbOptions = {}): OpenedStore => {
  const settings = settingsFrom(options);
  const availability = storeAvailability(options.onAvailability);
  const answer = answering(availability);
  const fail = failing(availability);
  // One append at a time per stream in this process: concurrent deliveries of one event then see each other.
  const oneAtATime = createKeyedLock();
  const subscriptions = new Set<Subscription>();
  let closed = false;
  let index: IdIndex | undefined;

  const assertOpen = (): void => {
    if (closed) throw new Error('the EventStoreDB store is closed');
  };

  const readStream = async (
    stream: string,
    { fromRevision, direction = 'forwards', limit }: ReadStreamOptions = {},
  ): Promise<E.Either<EventStoreError, readonly RecordedEvent[]>> => {
    const backwards = direction === 'backwards';
    const read = client.readStream(stream, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: fromRevision === undefined ? (backwards ? END : FROM_START) : BigInt(fromRevision),
      // A limit of 0 still reads one event, so that a missing stream is reported as such.
      maxCount: Math.max(1, limit ?? Number.MAX_SAFE_INTEGER),
    });
    try {
      const resolved = await collect(readWithDeadline(read, settings.deadlineMs));
      const events = resolved.flatMap(({ event }) => (event === undefined ? [] : [toRecordedEvent(event)]));
      return E.right(events.slice(0, limit));
    } catch (error) {
      if (error instanceof StreamNotFoundError || error instanceof StreamDeletedError) {
        return E.left({ kind: 'stream_not_found', stream });
      }
      throw error;
    }
  };

  /**
   * This client's readAll has no server-side filter, so $all is read in one streaming call and filtered here. The
   * client hands events over one at a time under gRPC flow control, so memory holds one event (plus the transport's
   * small buffer), not a page: quarantined bodies can be near 1 MiB each. The server reads from a position
   * inclusively; positions at or before the one asked for are skipped, which makes fromPosition exclusive.
   */
  async function* readAll({ fromPosition = START, filter, limit = Infinity }: ReadAllOptions = {}) {
    let remaining = limit;
    if (remaining <= 0) return;
    const read = client.readAll({ direction: FORWARDS, fromPosition: toReadPosition(fromPosition), maxCount: EVERYTHING });
    try {
      for await (const { event } of readWithDeadline(read, settings.deadlineMs)) {
        if (event === undefined || !matchesFilter(filter, event.streamId, event.type)) continue;
        const recorded = toRecordedEvent(event);
        if (recorded.position <= fromPosition) continue;
        yield recorded;
        remaining -= 1;
        if (remaining <= 0) return;
      }
    } catch (error) {
      fail(error);
    }
  }

  /**
   * The newest event of the log that is not the server's own (those are never delivered, so never caught up to).
   * Usually the newest event is ours, and one event is read; behind the server's own, the read streams on.
   */
  const headPosition = async (): Promise<E.Either<EventStoreError, Position>> => {
    let from: ReadPosition = END;
    let maxCount = 1n;
    for (;;) {
      let last: StoredEvent | undefined;
      const read = client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount });
      for await (const { event } of readWithDeadline(read, settings.deadlineMs)) {
        if (event === undefined) continue;
        if (!isSystemEvent(event.streamId, event.type)) return E.right(requirePosition(event.position, event.id));
        last = event;
      }
      if (last?.position === undefined || maxCount === EVERYTHING) return E.right(START);
      // Backwards reads end before the position they start from, so this goes on behind the server's event.
      from = last.position;
      maxCount = EVERYTHING;
    }
  };

  const appendAsIs: EventStore['append'] = (stream, events, expectedRevision = 'any') => {
    assertOpen();
    return oneAtATime(stream, () => answer(() => appendDeduplicated(client, { ...settings, index }, stream, events, expectedRevision)));
  };
  const marks = erasureMarksStream({
    readFrom: (revision) => answer(() => readStream(ERASURE_MARKS_STREAM, { fromRevision: revision })),
    append: (events) => appendAsIs(ERASURE_MARKS_STREAM, events),
    appendDeadlineMs: settings.deadlineMs,
  });

  const store: OpenedStore = {
    kind: 'eventstoredb',
    // Positions are byte offsets of the server's files: they count nothing.
    eventsBetween: () => undefined,
    append: async (stream, events, expectedRevision = 'any') => {
      const stored = await marks.storedForms(stream, events);
      return E.isLeft(stored) ? stored : appendAsIs(stream, stored.right, expectedRevision);
    },
    readStream: (stream, readOptions) => {
      assertOpen();
      return answer(() => readStream(stream, readOptions));
    },
    readAll: (readOptions) => {
      assertOpen();
      return readAll(readOptions);
    },
    subscribe: (subscribeOptions = {}) => {
      assertOpen();
      const subscription = subscribeResiliently(client, subscribeOptions, settings.resubscribe, availability);
      subscriptions.add(subscription);
      return {
        [Symbol.asyncIterator]: () => subscription[Symbol.asyncIterator](),
        close: async () => {
          subscriptions.delete(subscription);
          await subscription.close();
        },
      };
    },
    headPosition: () => {
      assertOpen();
      return answer(headPosition);
    },
    // Appends go to the leader (the client's default node preference); one answered read from it is the probe.
    probeWrites: () => {
      assertOpen();
      return answer(async () => {
        await collect(readWithDeadline(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }), settings.deadlineMs));
        return E.right(undefined);
      });
    },
    markErased: marks.mark,
    liftErased: marks.lift,
    erasureMarks: marks.all,
    rewriteEvents: (stream, rewrites) => {
      assertOpen();
      return oneAtATime(stream, () =>
        answer(async () => {
          const read = await readStream(stream);
          return E.isLeft(read) ? read : rewriteByCopy(client, settings, stream, read.right, rewrites);
        }),
      );
    },
    // The server's files keep the truncated originals until a scavenge, which an operator starts (see docs/personal-data.md).
    purgeRewritten: async () => {
      assertOpen();
      return E.right(undefined);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await index?.close();
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      subscriptions.clear();
      // Closing must not hang or fail because the server is gone; there is nothing left to tell the caller.
      await withDeadline(client.dispose(), settings.deadlineMs, 'dispose').catch(ignore);
    },
  };
  if (options.idIndexFile !== undefined) index = openIdIndex(options.idIndexFile, store);
  return store;
};

/**
 * The credentials to send with appends (see appendCredentials): the user of the connection string; in insecure
 * mode (tls=false) the client ignores credentials, so any will do. With TLS and no user (client certificates) there
 * are none, and the client keeps its BatchAppend path.
 */
export const appendCredentialsOf = (connectionString: string): AppendSettings['credentials'] => {
  const url = URL.canParse(connectionString) ? new URL(connectionString) : undefined;
  if (url === undefined) return undefined;
  if (url.username !== '') {
    return { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  }
  const tls = [...url.searchParams].find(([key]) => key.toLowerCase() === 'tls')?.[1];
  return tls?.toLowerCase() === 'false' ? { username: 'insecure', password: 'insecure' } : undefined;
};

/** Opens the EventStoreDB adapter (kind 'eventstoredb'). Connection problems surface per call, as store_unavailable. */
export const openEventStoreDb = async (
  connectionString: string,
  options: EventStoreDbOptions = {},
): Promise<OpenedStore> =>
  eventStoreDbOverClient(EventStoreDBClient.connectionString(connectionString), {
    appendCredentials: appendCredentialsOf(connectionString),
    ...options,
  });
