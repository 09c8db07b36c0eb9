import { PassThrough, Readable } from 'node:stream';
import {
  BACKWARDS,
  END,
  NO_STREAM,
  START,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type AppendExpectedRevision,
  type AppendResult,
  type EventData,
  type Filter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type SubscribeToAllOptions,
} from '@eventstore/db-client';
import type { EventStoreDbClient } from '../../src/store/eventstoredb-client.js';

/**
 * An in-memory stand-in for @eventstore/db-client, used to exercise the adapter's own logic where no server exists.
 * It mimics what the adapter relies on in EventStoreDB (KurrentDB source: AllReader, StorageWriterService,
 * ResolvedEvent, request managers), not the whole server:
 * - each event has one log position, reported as commit = prepare (self-committed prepares);
 * - an append answers with the position of its last event; a retry the server recognises as already written
 *   (same ids at the expected revision) succeeds without a position;
 * - a mismatched expected revision throws WrongExpectedVersionError, and ANY is refused outright, because the
 *   adapter promises never to send it;
 * - $all reads start at a position inclusively, subscriptions exclusively; the server writes events of its own;
 * - `down` makes every call fail as unreachable, `dropSubscriptions` fails the live ones.
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
};

type Live = { readonly stream: PassThrough; readonly accepts: (entry: Entry) => boolean };

export type FakeEventStoreDbClient = {
  readonly client: EventStoreDbClient;
  down: boolean;
  readonly stored: (stream: string) => readonly Entry[];
  readonly dropSubscriptions: () => void;
};

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

const reading = (items: readonly Entry[] | Error) => {
  const stream =
    items instanceof Error
      ? new Readable({ objectMode: true, read() { this.destroy(items); } })
      : Readable.from(items.map(resolved));
  return Object.assign(stream, { cancel: async () => undefined });
};

const accepts = (filter: Filter | undefined) => (entry: Entry): boolean => {
  if (filter === undefined) return true;
  const subject = filter.filterOn === 'streamName' ? entry.streamId : entry.type;
  return 'prefixes' in filter
    ? filter.prefixes.some((prefix) => subject.startsWith(prefix))
    : new RegExp(filter.regex).test(subject);
};

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export const createFakeEventStoreDbClient = (): FakeEventStoreDbClient => {
  const log: Entry[] = [];
  const streams = new Map<string, Entry[]>();
  const live = new Set<Live>();
  let nextPosition = 1_000n;
  let appends = 0;

  const record = (streamId: string, id: string, type: string, data: unknown, metadata: unknown): Entry => {
    const events = streams.get(streamId) ?? [];
    const entry: Entry = {
      streamId,
      id: id.toLowerCase(),
      type,
      data,
      metadata,
      revision: BigInt(events.length),
      position: nextPosition,
      created: new Date(),
    };
    nextPosition += 100n + BigInt(JSON.stringify(data ?? null).length);
    events.push(entry);
    streams.set(streamId, events);
    log.push(entry);
    for (const subscriber of live) if (subscriber.accepts(entry)) subscriber.stream.write(resolved(entry));
    return entry;
  };

  record('$settings', crypto.randomUUID(), '$settings', {}, {});

  const appendToStream = async (
    streamName: string,
    data: EventData | EventData[],
    { expectedRevision }: { expectedRevision?: AppendExpectedRevision } = {},
  ): Promise<AppendResult> => {
    await tick();
    if (fake.down) throw unavailable();
    if (expectedRevision === undefined || expectedRevision === 'any' || expectedRevision === 'stream_exists') {
      throw new Error(`the adapter sent expectedRevision ${String(expectedRevision)} to the server`);
    }
    const events = Array.isArray(data) ? data : [data];
    const existing = streams.get(streamName) ?? [];
    const current = existing.length === 0 ? NO_STREAM : BigInt(existing.length - 1);
    if (expectedRevision !== current) {
      const start = expectedRevision === NO_STREAM ? 0 : Number(expectedRevision) + 1;
      const retried = events.every((event, i) => existing[start + i]?.id === event.id.toLowerCase());
      if (retried && start + events.length <= existing.length) {
        return { success: true, nextExpectedRevision: BigInt(start + events.length - 1), position: undefined };
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
    const events = streams.get(streamName);
    if (events === undefined) return reading(new StreamNotFoundError(undefined, streamName));
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (options.direction === BACKWARDS ? END : START);
    if (options.direction === BACKWARDS) {
      const top = from === END ? events.length - 1 : Number(from);
      return reading(events.slice(0, top + 1).reverse().slice(0, max));
    }
    return reading(events.slice(from === START ? 0 : Number(from)).slice(0, max));
  };

  const readAll = (options: ReadAllOptions = {}) => {
    if (fake.down) return reading(unavailable());
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? (options.direction === BACKWARDS ? END : START);
    const at = from === START ? 0n : from === END ? nextPosition : from.commit;
    if (options.direction === BACKWARDS) {
      return reading(log.filter((entry) => entry.position < at).reverse().slice(0, max));
    }
    return reading(log.filter((entry) => entry.position >= at).slice(0, max));
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

  const fake: FakeEventStoreDbClient = {
    client: {
      appendToStream,
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
  };
  return fake;
};
