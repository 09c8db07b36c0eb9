import type { Either } from 'fp-ts/lib/Either.js';
import type { EventStoreError } from './event-store-error.js';

export type JsonObject = { readonly [key: string]: unknown };

/** 0-based index of an event within its stream. */
export type StreamRevision = number;
/** Place of an event in the global log; strictly increasing in commit order, starting above 0. */
export type Position = number;
/** Reading "from position 0" means from the very beginning. */
export const START: Position = 0;

/**
 * What the append requires of the stream. `any` checks nothing about concurrency, but deduplication by event id
 * stays exact in every adapter (the EventStoreDB adapter never sends ANY to the server: it reads the stream and
 * appends at the revision it read).
 */
export type ExpectedRevision = 'any' | 'no_stream' | StreamRevision;

export type EventToAppend = {
  readonly id: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: JsonObject;
  /** Set on deliveries: what to store instead when the event is about a person whose erasure has begun. */
  readonly personal?: PersonalData | undefined;
};

/**
 * Erasure at the append: `about` names the entity streams the event concerns (its own stream among them when it is an
 * entity's). When one of them is marked erased as the append commits, the store keeps `redacted()` instead (same id)
 * and, when its own stream is among them, marks that stream erased for the same person: its later events (a booking
 * created after the forget, updated without naming the contact) are redacted too.
 */
export type PersonalData = {
  /** Asked only when some stream is marked erased: reading a kept body for what it names costs a parse. */
  readonly about: () => readonly string[];
  readonly redacted: () => { readonly data: unknown; readonly metadata: JsonObject };
};

export type RecordedEvent = {
  readonly id: string;
  readonly stream: string;
  readonly type: string;
  readonly revision: StreamRevision;
  readonly position: Position;
  readonly data: unknown;
  readonly metadata: JsonObject;
  /** When the store committed it (ISO-8601). */
  readonly recordedAt: string;
};

/** One appended event: new, or already in the stream (then revision and position are the original's). */
export type AppendedEvent = {
  readonly id: string;
  readonly status: 'appended' | 'duplicate';
  readonly revision: StreamRevision;
  readonly position: Position;
};

export type AppendResult = {
  readonly stream: string;
  /** The stream's last revision after the append. */
  readonly revision: StreamRevision;
  readonly events: readonly AppendedEvent[];
};

export type ReadStreamOptions = {
  /** First revision to read (forwards) or last (backwards). Default: the start, or the end when backwards. */
  readonly fromRevision?: StreamRevision;
  readonly direction?: 'forwards' | 'backwards';
  readonly limit?: number;
};

/** Which events of the global log a reader wants. Streams are matched by prefix (`contact-`, `booking-` ...). */
export type EventFilter = { readonly streamPrefixes?: readonly string[] };

export type ReadAllOptions = {
  /** Exclusive: events with a position above this one. */
  readonly fromPosition?: Position;
  readonly filter?: EventFilter;
  readonly limit?: number;
};

/** A catch-up subscription: history from a position, then live events, in global order, no gaps, no repeats. */
export type Subscription = AsyncIterable<RecordedEvent> & { close(): Promise<void> };

export type SubscribeOptions = {
  /** Exclusive, as in readAll. */
  readonly fromPosition?: Position;
};

/** New data and metadata for a stored event, found by its stream and id (an erasure's rewrite). */
export type EventRewrite = { readonly id: string; readonly data: unknown; readonly metadata: JsonObject };

/**
 * The event store port: what the service appends and reads. Both adapters (embedded SQLite, EventStoreDB) pass the
 * same contract suite. An expected failure (an EventStoreError; a closed store is store_unavailable) leaves each
 * member one way only: the calls (append, readStream, headPosition) answer it as a Left and never throw it; the
 * iterations (readAll, and a subscription, which ends once it or the store is closed, at once when the store
 * was closed before) throw it as an EventStoreFailure. Anything else thrown is a bug.
 */
export type EventStore = {
  /** Which adapter this is, for reports (`/overview`, `status`); nothing branches on it. */
  readonly kind: 'sqlite' | 'eventstoredb';
  append(
    stream: string,
    events: readonly EventToAppend[],
    expectedRevision?: ExpectedRevision,
  ): Promise<Either<EventStoreError, AppendResult>>;
  readStream(stream: string, options?: ReadStreamOptions): Promise<Either<EventStoreError, readonly RecordedEvent[]>>;
  readAll(options?: ReadAllOptions): AsyncIterable<RecordedEvent>;
  subscribe(options?: SubscribeOptions): Subscription;
  /** Position of the last event in the log (START when empty). */
  headPosition(): Promise<Either<EventStoreError, Position>>;
  /**
   * How many events lie between two positions, when the positions tell without reading: the embedded store's are
   * contiguous row ids; EventStoreDB's are byte offsets (undefined). Progress reports show a total only when known.
   */
  eventsBetween(from: Position, to: Position): number | undefined;
  close(): Promise<void>;
};

/** Person (subject) → the streams marked erased for them, sorted. */
export type ErasureMarks = { readonly [subject: string]: readonly string[] };

/**
 * What maintenance needs of a store beside the port (readiness, erasure): another client of the same adapters,
 * with a port of its own. Every member is a call: an expected failure is a Left, never thrown.
 */
export type StoreMaintenance = {
  /**
   * Whether the store takes writes now, checked without adding to the log (readiness asks this): the embedded store
   * commits a write beside the log as large as the last commit it refused (a group commit of several appends, so that
   * a disk with room for small writes only is not taken for recovered), EventStoreDB answers a read from its leader.
   */
  probeWrites(): Promise<Either<EventStoreError, void>>;
  /**
   * Erasure, first step: from now on, every event appended to these streams, or about them (PersonalData), is stored
   * redacted, by every process and node sharing the store. `subject` names the person (a contact's key).
   */
  markErased(subject: string, streams: readonly string[]): Promise<Either<EventStoreError, void>>;
  /** Lifts a person's marks: new events about them are stored as received again. */
  liftErased(subject: string): Promise<Either<EventStoreError, void>>;
  /** Every person marked erased, with the streams marked for them (those their later events created included). */
  erasureMarks(): Promise<Either<EventStoreError, ErasureMarks>>;
  /**
   * Erasure: replaces the data and metadata of the given events of one stream, all or none. The embedded store does
   * it in place (id, type, revision, position and recorded time stay); EventStoreDB, where events cannot change,
   * appends redacted copies (same ids, new revisions and positions) and truncates the stream before them. Returns
   * how many events were rewritten.
   */
  rewriteEvents(stream: string, rewrites: readonly EventRewrite[]): Promise<Either<EventStoreError, number>>;
  /**
   * Makes what rewrites replaced unrecoverable from the store's files: the embedded store (which zeroed what they
   * replaced as they committed) checkpoints and truncates its WAL; EventStoreDB's bytes go at its next scavenge
   * (see docs/personal-data.md).
   */
  purgeRewritten(): Promise<Either<EventStoreError, void>>;
};

/** What an adapter opens: the port and its maintenance, over one connection. */
export type OpenedStore = EventStore & StoreMaintenance;
