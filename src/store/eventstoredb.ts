import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  START as FROM_START,
  StreamDeletedError,
  StreamNotFoundError,
  type AllStreamResolvedEvent,
  type ReadPosition,
} from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, type EventStoreError } from './event-store-error.js';
import {
  START,
  type EventStore,
  type Position,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type Subscription,
} from './event-store.js';
import { appendDeduplicated, type AppendSettings } from './eventstoredb-append.js';
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

export type EventStoreDbOptions = {
  /** Bound on each call, and on each wait for the next event of a read, so a down server answers fast. Default 5000. */
  readonly deadlineMs?: number;
  /** Events per page: stream pages when looking for duplicate ids, $all pages for readAll. Default 256, at least 2. */
  readonly pageSize?: number;
  /** Tries of an 'any' append that keeps losing races to other processes. Default 5. */
  readonly appendAttempts?: number;
  /** Subscription reconnect pauses. Default 100 ms doubling up to 5000 ms. */
  readonly resubscribe?: Partial<ResubscribeSettings>;
};

type Settings = AppendSettings & { readonly resubscribe: ResubscribeSettings };

const settingsFrom = (options: EventStoreDbOptions): Settings => {
  const settings = {
    deadlineMs: options.deadlineMs ?? 5_000,
    pageSize: options.pageSize ?? 256,
    appendAttempts: options.appendAttempts ?? 5,
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
const answering = async <A>(
  work: () => Promise<E.Either<EventStoreError, A>>,
): Promise<E.Either<EventStoreError, A>> => {
  try {
    return await work();
  } catch (error) {
    const unavailable = storeUnavailableFrom(error);
    if (unavailable === undefined) throw error;
    return E.left(unavailable);
  }
};

/** The same inside an iteration, where the error can only be thrown. */
const failing = (error: unknown): never => {
  const unavailable = storeUnavailableFrom(error);
  throw unavailable === undefined ? error : new EventStoreFailure(unavailable);
};

const collect = async <A>(items: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of items) out.push(item);
  return out;
};

const HEAD_PAGE = 32;

/** The EventStore port over an EventStoreDB client (real, or a test double of it). */
export const eventStoreDbOverClient = (client: EventStoreDbClient, options: EventStoreDbOptions = {}): EventStore => {
  const settings = settingsFrom(options);
  // One append at a time per stream in this process: concurrent deliveries of one event then see each other.
  const oneAtATime = createKeyedLock();
  const subscriptions = new Set<Subscription>();
  let closed = false;

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
   * This client's readAll has no server-side filter, so $all is read in pages and filtered here. A page starts at the
   * last event of the one before (the server reads from a position inclusively); positions at or before the one
   * asked for are skipped, which makes fromPosition exclusive.
   */
  async function* readAll({ fromPosition = START, filter, limit = Infinity }: ReadAllOptions = {}) {
    let after = fromPosition;
    let remaining = limit;
    let from: ReadPosition = toReadPosition(fromPosition);
    try {
      while (remaining > 0) {
        const read = client.readAll({ direction: FORWARDS, fromPosition: from, maxCount: settings.pageSize });
        const page = await collect(readWithDeadline(read, settings.deadlineMs));
        for (const { event } of page) {
          if (event === undefined || !matchesFilter(filter, event.streamId, event.type)) continue;
          const recorded = toRecordedEvent(event);
          if (recorded.position <= after) continue;
          after = recorded.position;
          yield recorded;
          remaining -= 1;
          if (remaining <= 0) return;
        }
        const last = page.at(-1)?.event;
        if (page.length < settings.pageSize || last === undefined) return;
        from = last.position;
      }
    } catch (error) {
      failing(error);
    }
  }

  /** The newest event of the log that is not the server's own (those are never delivered, so never caught up to). */
  const headPosition = async (): Promise<E.Either<EventStoreError, Position>> => {
    let from: ReadPosition = END;
    for (;;) {
      const read = client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE });
      const page: AllStreamResolvedEvent[] = await collect(readWithDeadline(read, settings.deadlineMs));
      const newest = page.find(({ event }) => event !== undefined && !isSystemEvent(event.streamId, event.type))?.event;
      if (newest !== undefined) return E.right(requirePosition(newest.position, newest.id));
      const oldest = page.at(-1)?.event;
      if (page.length < HEAD_PAGE || oldest === undefined) return E.right(START);
      from = oldest.position;
    }
  };

  return {
    kind: 'eventstoredb',
    append: (stream, events, expectedRevision = 'any') => {
      assertOpen();
      return oneAtATime(stream, () =>
        answering(() => appendDeduplicated(client, settings, stream, events, expectedRevision)),
      );
    },
    readStream: (stream, readOptions) => {
      assertOpen();
      return answering(() => readStream(stream, readOptions));
    },
    readAll: (readOptions) => {
      assertOpen();
      return readAll(readOptions);
    },
    subscribe: (subscribeOptions = {}) => {
      assertOpen();
      const subscription = subscribeResiliently(client, subscribeOptions, settings.resubscribe);
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
      return answering(headPosition);
    },
    // Appends go to the leader (the client's default node preference); one answered read from it is the probe.
    probeWrites: () => {
      assertOpen();
      return answering(async () => {
        await collect(readWithDeadline(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }), settings.deadlineMs));
        return E.right(undefined);
      });
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await Promise.all([...subscriptions].map((subscription) => subscription.close()));
      subscriptions.clear();
      // Closing must not hang or fail because the server is gone; there is nothing left to tell the caller.
      await withDeadline(client.dispose(), settings.deadlineMs, 'dispose').catch(ignore);
    },
  };
};

/** Opens the EventStoreDB adapter (kind 'eventstoredb'). Connection problems surface per call, as store_unavailable. */
export const openEventStoreDb = async (
  connectionString: string,
  options: EventStoreDbOptions = {},
): Promise<EventStore> =>
  eventStoreDbOverClient(EventStoreDBClient.connectionString(connectionString), options);
