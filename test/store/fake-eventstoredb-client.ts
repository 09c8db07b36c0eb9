import { PassThrough, Readable } from 'node:stream';
import {
  BACKWARDS,
  END,
  MaxAppendSizeExceededError,
  NO_STREAM,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type AppendResult,
  type AppendToStreamOptions,
  type EventData,
  type Filter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { EventStoreDbClient } from '../../src/store/eventstoredb-client.js';

/**
 * An in-memory stand-in for @eventstore/db-client, used to exercise the adapter's own logic where no server exists.
 * It mimics what the adapter relies on in EventStoreDB (server source: KurrentDB 24.10 src/KurrentDB.Core, formerly
 * EventStore.Core; client source: node_modules/@eventstore/db-client 6.2.1), not the whole server:
 * - positions are byte offsets in the transaction log: each event has one, reported as commit = prepare
 *   (self-committed prepares, Core/TransactionLog/LogRecords/PrepareLogRecord.cs), and they grow by the record's
 *   size, not by one;
 * - an append answers with the position of its last event. An append at a stale expected revision whose next events
 *   carry the same ids is an idempotent retry (Core/Services/Storage/ReaderIndex/IndexWriter.cs, CheckCommit:
 *   IdempotentCommit; documented in "Optimistic concurrency and idempotence", EventStore/documentation): it succeeds
 *   and answers the original events' revision and position, not new ones;
 * - a mismatched expected revision throws WrongExpectedVersionError, and ANY is refused outright, because the
 *   adapter promises never to send it;
 * - an append whose events' type + data + metadata exceed MaxAppendSize (1,048,576 bytes by default,
 *   Core/Services/Transport/Grpc/Streams.Append.cs) throws MaxAppendSizeExceededError (client:
 *   dist/streams/appendToStream/unpackError.js);
 * - a tombstoned (hard-deleted) stream throws StreamDeletedError on read and on append (client:
 *   dist/utils/CommandError.js, ErrorType.STREAM_DELETED; server: ReadStreamResult.StreamDeleted,
 *   OperationResult.StreamDeleted);
 * - $all reads start at a position inclusively, subscriptions exclusively; a subscription from a position beyond
 *   the head delivers no history and goes live, delivering every new event whatever its position
 *   (Core/Services/Transport/Grpc/Enumerators.AllSubscription.cs: catch-up ends at the head, then live);
 * - the server writes events of its own ($settings, $stats-*);
 * - reads are produced one event at a time as the reader pulls them (a gRPC server stream with flow control), and
 *   `reads` counts what was produced, so tests can measure what a read cost;
 * - `down` makes every call fail as unreachable, `dropSubscriptions` fails the live ones;
 * - a stream's `truncateBefore` (set through its metadata) hides its earlier events from stream reads, not from $all
 *   (the server drops them at a scavenge).
 * Passing the contract over it proves the adapter's logic, not EventStoreDB's behaviour.
 */
type Entry = {
  readonly streamId: string;
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
  readonly revision: bigint;
  readonly position: bigint;
  readonly created: Date;
  readonly bytes: number;
};

type Live = { readonly stream: PassThrough; readonly accepts: (entry: Entry) => boolean };

/** What the fake produced for readers so far: events and their data + metadata bytes. */
export type ReadCost = { events: number; bytes: number };

export type FakeEventStoreDbClient = {
  readonly client: EventStoreDbClient;
  down: boolean;
  readonly stored: (stream: string) => readonly Entry[];
  readonly dropSubscriptions: () => void;
  /** Writes `count` events to a stream directly, as if appended long ago. */
  readonly seed: (stream: string, count: number) => void;
  /** Hard-deletes a stream, as `tombstoneStream` does. */
  readonly tombstone: (stream: string) => void;
  /** Events (and bytes) produced for stream and $all reads since the fake was made. */
  readonly reads: ReadCost;
  /** The options of every append call, in order. */
  readonly appendOptions: AppendToStreamOptions[];
};

/** EventStoreDB's default MaxAppendSize. */
export const MAX_APPEND_SIZE = 1_048_576;

const resolved = (entry: Entry) => ({
  event: {
    streamId: entry.streamId,
    id: entry.id,
    isJson: true,
    revision: entry.revision,
    type: entry.type,
    created: entry.created,
    data: entry.data,
    metadata: entry.metadata,
    position: { commit: entry.position, prepare: entry.position },
  },
  commitPosition: entry.position,
});

const unavailable = (): UnavailableError => new UnavailableError(undefined, '14 UNAVAILABLE: fake server is down');

const accepts = (filter: Filter | undefined) => (entry: Entry): boolean => {
  if (filter === undefined) return true;
  const subject = filter.filterOn === 'streamName' ? entry.streamId : entry.type;
  return 'prefixes' in filter
    ? filter.prefixes.some((prefix) => subject.startsWith(prefix))
    : new RegExp(filter.regex).test(subject);
};

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const byteLength = (value: unknown): number => Buffer.byteLength(JSON.stringify(value ?? null));

export const createFakeEventStoreDbClient = (): FakeEventStoreDbClient => {
  const log: Entry[] = [];
  const streams = new Map<string, Entry[]>();
  const tombstoned = new Set<string>();
  const live = new Set<Live>();
  const reads: ReadCost = { events: 0, bytes: 0 };
  const appendOptions: AppendToStreamOptions[] = [];
  const truncatedBefore = new Map<string, number>();
  let nextPosition = 1_000n;
  let appends = 0;

  const record = (streamId: string, id: string, type: string, data: unknown, metadata: unknown): Entry => {
    const events = streams.get(streamId) ?? [];
    const bytes = byteLength(data) + byteLength(metadata);
    const entry: Entry = {
      streamId,
      id: id.toLowerCase(),
      type,
      data,
      metadata,
      revision: BigInt(events.length),
      position: nextPosition,
      created: new Date(),
      bytes,
    };
    nextPosition += 100n + BigInt(bytes);
    events.push(entry);
    streams.set(streamId, events);
    log.push(entry);
    for (const subscriber of live) if (subscriber.accepts(entry)) subscriber.stream.write(resolved(entry));
    return entry;
  };

  /** Produces entries lazily, counting each one the reader pulls. */
  const reading = (items: Iterable<Entry> | Error) => {
    const stream =
      items instanceof Error
        ? new Readable({ objectMode: true, read() { this.destroy(items); } })
        : Readable.from(
            (function* () {
              for (const entry of items) {
                reads.events += 1;
                reads.bytes += entry.bytes;
                yield resolved(entry);
              }
            })(),
          );
    return Object.assign(stream, { cancel: async () => undefined });
  };

  function* backwardsFrom(entries: readonly Entry[], top: number, max: number): Generator<Entry> {
    for (let i = top; i >= 0 && top - i < max; i -= 1) {
      const entry = entries[i];
      if (entry !== undefined) yield entry;
    }
  }

  /** Index of the first entry at or after `at` in the log (positions grow with the index). */
  const firstAtOrAfter = (at: bigint): number => {
    let low = 0;
    let high = log.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((log[mid]?.position ?? 0n) < at) low = mid + 1;
      else high = mid;
    }
    return low;
  };

  record('$settings', crypto.randomUUID(), '$settings', {}, {});

  const appendToStream = async (
    streamName: string,
    data: EventData | EventData[],
    options: AppendToStreamOptions & { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> => {
    appendOptions.push(options);
    const { expectedRevision } = options;
    await tick();
    if (fake.down) throw unavailable();
    if (expectedRevision === undefined || expectedRevision === 'any' || expectedRevision === 'stream_exists') {
      throw new Error(`the adapter sent expectedRevision ${String(expectedRevision)} to the server`);
    }
    if (tombstoned.has(streamName)) throw new StreamDeletedError(undefined, streamName);
    const events = Array.isArray(data) ? data : [data];
    const size = events.reduce(
      (total, event) => total + Buffer.byteLength(event.type) + byteLength(event.data) + byteLength(event.metadata),
      0,
    );
    if (size > MAX_APPEND_SIZE) throw new MaxAppendSizeExceededError(undefined, MAX_APPEND_SIZE);
    const existing = streams.get(streamName) ?? [];
    const current = existing.length === 0 ? NO_STREAM : BigInt(existing.length - 1);
    if (expectedRevision !== current) {
      const start = expectedRevision === NO_STREAM ? 0 : Number(expectedRevision) + 1;
      const originals = events.map((event, i) => existing[start + i]);
      const retried = originals.every((original, i) => original?.id === events[i]?.id.toLowerCase());
      const last = originals.at(-1);
      if (retried && last !== undefined) {
        return {
          success: true,
          nextExpectedRevision: last.revision,
          position: { commit: last.position, prepare: last.position },
        };
      }
      throw new WrongExpectedVersionError(undefined, { streamName, expected: expectedRevision, current });
    }
    const written = events.map((event) =>
      record(streamName, event.id, event.type, JSON.parse(JSON.stringify(event.data)), event.metadata),
    );
    appends += 1;
    if (appends % 2 === 0) record('$stats-127.0.0.1:2113', crypto.randomUUID(), '$statsCollected', {}, {});
    const last = written.at(-1);
    return {
      success: true,
      nextExpectedRevision: last?.revision ?? -1n,
      position: last === undefined ? undefined : { commit: last.position, prepare: last.position },
    };
  };

  const readStream = (streamName: string, options: ReadStreamOptions = {}) => {
    if (fake.down) return reading(unavailable());
    if (tombstoned.has(streamName)) return reading(new StreamDeletedError(undefined, streamName));
    const stored = streams.get(streamName);
    if (stored === undefined) return reading(new StreamNotFoundError(undefined, streamName));
    const floor = truncatedBefore.get(streamName) ?? 0;
    const events = stored.slice(floor);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (options.direction === BACKWARDS ? END : START);
    if (options.direction === BACKWARDS) {
      return reading(backwardsFrom(events, from === END ? events.length - 1 : Number(from) - floor, max));
    }
    return reading(events.slice(from === START ? 0 : Math.max(0, Number(from) - floor)).slice(0, max));
  };

  const readAll = (options: ReadAllOptions = {}) => {
    if (fake.down) return reading(unavailable());
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? (options.direction === BACKWARDS ? END : START);
    const at = from === START ? 0n : from === END ? nextPosition : from.commit;
    const index = firstAtOrAfter(at);
    if (options.direction === BACKWARDS) return reading(backwardsFrom(log, index - 1, max));
    return reading(
      (function* () {
        for (let i = index; i < log.length && i - index < max; i += 1) {
          const entry = log[i];
          if (entry !== undefined) yield entry;
        }
      })(),
    );
  };

  const subscribeToAll = (options: SubscribeToAllOptions = {}) => {
    const stream = new PassThrough({ objectMode: true });
    const subscriber: Live = { stream, accepts: accepts(options.filter) };
    const from = options.fromPosition ?? START;
    const unsubscribe = async (): Promise<void> => {
      live.delete(subscriber);
      stream.destroy();
    };
    if (fake.down) {
      setImmediate(() => stream.destroy(unavailable()));
    } else {
      const after = from === START ? -1n : from === END ? nextPosition : from.commit;
      for (const entry of log) if (entry.position > after && subscriber.accepts(entry)) stream.write(resolved(entry));
      live.add(subscriber);
    }
    return Object.assign(stream, { unsubscribe });
  };

  const setStreamMetadata = async (streamName: string, metadata: { truncateBefore?: unknown }): Promise<AppendResult> => {
    await tick();
    if (fake.down) throw unavailable();
    if (typeof metadata.truncateBefore === 'number') truncatedBefore.set(streamName, metadata.truncateBefore);
    return { success: true, nextExpectedRevision: 0n, position: undefined };
  };

  const fake: FakeEventStoreDbClient = {
    client: {
      appendToStream,
      setStreamMetadata,
      readStream,
      readAll,
      subscribeToAll,
      dispose: async () => {
        for (const subscriber of live) subscriber.stream.destroy();
        live.clear();
      },
    } as unknown as EventStoreDbClient,
    down: false,
    stored: (stream) => streams.get(stream) ?? [],
    dropSubscriptions: () => {
      for (const subscriber of live) subscriber.stream.destroy(unavailable());
      live.clear();
    },
    seed: (stream, count) => {
      for (let i = 0; i < count; i += 1) {
        record(stream, crypto.randomUUID(), 'seeded', { i }, { seeded: true });
      }
    },
    tombstone: (stream) => {
      tombstoned.add(stream);
    },
    reads,
    appendOptions,
  };
  return fake;
};
