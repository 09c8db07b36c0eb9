import { EventStoreDBClient } from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, storeUnavailable } from './event-store-error.js';
import type { EventStore, OpenedStore, RecordedEvent } from './event-store.js';
import { appendDeduplicated, type AppendSettings } from './eventstoredb-append.js';
import { answering, failing } from './eventstoredb-answering.js';
import { ERASURE_MARKS_STREAM, erasureMarksStream } from './erasure-marks-stream.js';
import { openIdIndex, type IdIndex } from './eventstoredb-id-index.js';
import { ignore, withDeadline, type EventStoreDbClient } from './eventstoredb-client.js';
import { eventStoreDbMaintenance } from './eventstoredb-maintenance.js';
import { headPosition, readAll, readStream } from './eventstoredb-reads.js';
import { openSubscriptions, subscribeResiliently, type ResubscribeSettings } from './eventstoredb-subscription.js';
import { createKeyedLock } from './keyed-lock.js';
import { storeAvailability, type AvailabilityListener } from './store-availability.js';
import { subscriptionOf } from './subscription-of.js';

type EventStoreDbOptions = {
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

/** A subscription to a closed store: it ends at once. */
const ended = async function* (): AsyncGenerator<RecordedEvent> {};

/** The EventStore port over an EventStoreDB client (real, or a test double of it). */
export const eventStoreDbOverClient = (client: EventStoreDbClient, options: EventStoreDbOptions = {}): OpenedStore => {
  const settings = settingsFrom(options);
  const availability = storeAvailability(options.onAvailability);
  let closed = false;
  const answer = answering(availability, () => closed);
  const fail = failing(availability);
  // One append at a time per stream in this process: concurrent deliveries of one event then see each other.
  const oneAtATime = createKeyedLock();
  const subscriptions = openSubscriptions();
  let index: IdIndex | undefined;

  const appendAsIs: EventStore['append'] = (stream, events, expectedRevision = 'any') =>
    oneAtATime(stream, () => answer(() => appendDeduplicated(client, { ...settings, index }, stream, events, expectedRevision)));
  const marks = erasureMarksStream({
    readFrom: (revision) => answer(() => readStream(client, settings.deadlineMs, ERASURE_MARKS_STREAM, { fromRevision: revision })),
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
    readStream: (stream, readOptions) => answer(() => readStream(client, settings.deadlineMs, stream, readOptions)),
    readAll: async function* (readOptions) {
      if (closed) throw new EventStoreFailure(storeUnavailable('store closed'));
      yield* readAll(client, settings.deadlineMs, fail, readOptions);
    },
    subscribe: (subscribeOptions = {}) =>
      closed ? subscriptionOf(ended(), ignore) : subscriptions.add(subscribeResiliently(client, subscribeOptions, settings.resubscribe, availability)),
    headPosition: () => answer(() => headPosition(client, settings.deadlineMs)),
    ...eventStoreDbMaintenance({ client, settings, answer, oneAtATime, marks }),
    close: async () => {
      if (closed) return;
      closed = true;
      await index?.close();
      await subscriptions.closeAll();
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
