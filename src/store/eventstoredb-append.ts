import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKWARDS,
  END,
  FORWARDS,
  MaxAppendSizeExceededError,
  NO_STREAM,
  StreamDeletedError,
  StreamNotFoundError,
  WrongExpectedVersionError,
  jsonEvent,
  type Credentials,
  type JSONType,
  type RecordedEvent as StoredEvent,
} from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import { wrongExpectedRevision, type EventStoreError } from './event-store-error.js';
import type {
  AppendResult,
  AppendedEvent,
  EventToAppend,
  ExpectedRevision,
  Position,
  StreamRevision,
} from './event-store.js';
import { readWithDeadline, withDeadline, type EventStoreDbClient } from './eventstoredb-client.js';
import type { IdIndex } from './eventstoredb-id-index.js';
import { requirePosition } from './eventstoredb-records.js';

export type AppendSettings = {
  readonly deadlineMs: number;
  /** Events per backward page when looking for ids already in the stream. */
  readonly pageSize: number;
  /** Tries of an 'any' append that keeps losing to concurrent writers before it gives up. */
  readonly appendAttempts: number;
  readonly credentials: Credentials | undefined;
  /** Which ids the log holds below a watermark, so that deduplication reads only what is newer. */
  readonly index?: IdIndex | undefined;
};

/** The stream's last revision as read, in the client's terms. */
type StreamEnd = bigint | typeof NO_STREAM;
type Stored = { readonly revision: StreamRevision; readonly position: Position };
/** An event found in the stream, with its metadata as stored (JSON), which tells whose write it was. */
type Found = Stored & { readonly metadata: string };
/** Where a written event is, and whether this append wrote it or the server answered with another's. */
type Place = Stored & { readonly ours: boolean };
type StreamState = { readonly end: StreamEnd; readonly stored: ReadonlyMap<string, Found> };

/** Where each event of a batch ends up: already stored, or the n-th of the events to write. */
type Slot =
  | { readonly kind: 'stored'; readonly stored: Stored }
  | { readonly kind: 'fresh'; readonly index: number; readonly first: boolean };

type AppendPlan = { readonly fresh: readonly EventToAppend[]; readonly slots: readonly Slot[] };

/** What every write of the adapter sends: its deadline, and the credentials that choose the unary Append call. */
export const writeOptions = ({ deadlineMs, credentials }: Pick<AppendSettings, 'deadlineMs' | 'credentials'>) => ({
  deadline: deadlineMs,
  ...(credentials === undefined ? {} : { credentials }),
});

/** UUIDs compare case-insensitively; the server reports them in lower case. */
const idKey = (id: string): string => id.toLowerCase();

/** Splits a batch into what is already stored and what to write (each id once, a repeat within the batch included). */
const planAppend = (events: readonly EventToAppend[], stored: ReadonlyMap<string, Stored>): AppendPlan => {
  const fresh: EventToAppend[] = [];
  const freshIndex = new Map<string, number>();
  const slots = events.map((event): Slot => {
    const key = idKey(event.id);
    const original = stored.get(key);
    if (original !== undefined) return { kind: 'stored', stored: original };
    const seen = freshIndex.get(key);
    if (seen !== undefined) return { kind: 'fresh', index: seen, first: false };
    freshIndex.set(key, fresh.length);
    fresh.push(event);
    return { kind: 'fresh', index: fresh.length - 1, first: true };
  });
  return { fresh, slots };
};

const appendedEvents = (
  events: readonly EventToAppend[],
  plan: AppendPlan,
  written: readonly Place[],
): AppendedEvent[] =>
  plan.slots.map((slot, i) => {
    const id = events[i]?.id ?? '';
    if (slot.kind === 'stored') {
      return { id, status: 'duplicate', revision: slot.stored.revision, position: slot.stored.position };
    }
    const place = written[slot.index];
    if (place === undefined) throw new Error(`no stored place for event ${id}`);
    return { id, status: slot.first && place.ours ? 'appended' : 'duplicate', revision: place.revision, position: place.position };
  });

export const satisfies = (expected: ExpectedRevision, end: StreamEnd): boolean =>
  expected === 'any' || (expected === NO_STREAM ? end === NO_STREAM : end !== NO_STREAM && BigInt(expected) === end);

const foundOf = (event: StoredEvent): Found => ({
  revision: Number(event.revision),
  position: requirePosition(event.position, event.id),
  metadata: JSON.stringify(event.metadata),
});

/** The stream's event at `revision` with the id asked for, as found; undefined when it holds another there. */
const eventAt = async (
  client: EventStoreDbClient,
  settings: AppendSettings,
  stream: string,
  revision: bigint,
  id: string,
): Promise<Found | undefined> => {
  const read = client.readStream(stream, { direction: FORWARDS, fromRevision: revision, maxCount: 1 });
  for await (const { event } of readWithDeadline(read, settings.deadlineMs)) {
    return event === undefined || idKey(event.id) !== id ? undefined : foundOf(event);
  }
  return undefined;
};

/**
 * Reads the stream backwards, newest first, until every wanted id is found, the start of the stream is reached, or
 * (with an id index) an event the index already covers: what is older is looked up there, and each id it holds is
 * read at its revision to be sure. So the cost is the events appended since the index's watermark (the index
 * follows the log live, so a few), not the stream's length; without an index, an id that is not in the recent pages
 * costs a read of the whole stream. The first event read fixes the end the append will expect; anything appended
 * after it makes the append fail and be retried.
 */
const readStreamState = async (
  client: EventStoreDbClient,
  settings: AppendSettings,
  stream: string,
  wanted: ReadonlySet<string>,
): Promise<StreamState> => {
  const stored = new Map<string, Found>();
  const watermark = settings.index?.watermark() ?? 0;
  let end: StreamEnd = NO_STREAM;
  let from: bigint | typeof END = END;
  const fromIndex = async (): Promise<StreamState> => {
    const missing = [...wanted].filter((id) => !stored.has(id));
    for (const [id, place] of settings.index?.lookup(stream, missing) ?? []) {
      const found = await eventAt(client, settings, stream, BigInt(place.revision), id);
      if (found !== undefined) stored.set(id, found);
    }
    return { end, stored };
  };
  try {
    for (;;) {
      let count = 0;
      let oldest: bigint | undefined;
      const page = client.readStream(stream, { direction: BACKWARDS, fromRevision: from, maxCount: settings.pageSize });
      for await (const { event } of readWithDeadline(page, settings.deadlineMs)) {
        if (event === undefined) continue;
        count += 1;
        if (end === NO_STREAM) end = event.revision;
        oldest = event.revision;
        if (requirePosition(event.position, event.id) <= watermark) return await fromIndex();
        const key = idKey(event.id);
        if (wanted.has(key)) stored.set(key, foundOf(event));
      }
      if (stored.size === wanted.size || count < settings.pageSize || oldest === undefined || oldest === 0n) {
        return { end, stored };
      }
      from = oldest - 1n;
    }
  } catch (error) {
    if (error instanceof StreamNotFoundError) return { end: NO_STREAM, stored };
    throw error;
  }
};

type Written = { readonly last: bigint };

/** Appends at the exact end that was read: the server then deduplicates exactly and rejects a stale end. */
const write = async (
  client: EventStoreDbClient,
  settings: AppendSettings,
  stream: string,
  fresh: readonly EventToAppend[],
  end: StreamEnd,
): Promise<Written | 'conflict'> => {
  // The client's JSONType is narrower than what it sends (JSON.stringify of the data).
  const data = fresh.map(({ id, type, data, metadata }) => jsonEvent({ id, type, data: data as JSONType, metadata }));
  try {
    const result = await withDeadline(
      client.appendToStream(stream, data, { expectedRevision: end, ...writeOptions(settings) }),
      settings.deadlineMs,
      'append',
    );
    // success is false only when the connection string sets throwOnAppendFailure=false.
    if (!result.success) return 'conflict';
    return { last: result.nextExpectedRevision };
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return 'conflict';
    throw error;
  }
};

/** Whether the event found is the one this append sent: a concurrent writer's copy has other metadata. */
const isOurs = (found: Found, sent: EventToAppend): boolean => found.metadata === JSON.stringify(sent.metadata);

/**
 * Revision and position of each written event, and whether this append wrote it. A success does not say so: an
 * append at a stale revision whose next events carry the same ids is taken by the server as a retry, and answered
 * with the original events' revision and position (KurrentDB IndexWriter.CheckCommit, IdempotentCommit). That is
 * what a process that lost a race to another one gets. So the written events are read back (one event forwards
 * for the usual single append) and their metadata compared with what was sent: the delivery id and receive time
 * differ between two deliveries of one event. Identical metadata is the same delivery sent twice, and cannot be
 * told apart; both are then reported appended.
 */
const placesOf = async (
  client: EventStoreDbClient,
  settings: AppendSettings,
  stream: string,
  fresh: readonly EventToAppend[],
  end: StreamEnd,
): Promise<Place[]> => {
  const first = end === NO_STREAM ? 0n : end + 1n;
  const [only] = fresh;
  if (fresh.length === 1 && only !== undefined) {
    const found = await eventAt(client, settings, stream, first, idKey(only.id));
    if (found !== undefined) return [{ revision: found.revision, position: found.position, ours: isOurs(found, only) }];
  }
  const { stored } = await readStreamState(client, settings, stream, new Set(fresh.map((event) => idKey(event.id))));
  return fresh.map((event) => {
    const place = stored.get(idKey(event.id));
    if (place === undefined) throw new Error(`event ${event.id} was appended but is not in ${stream}`);
    return { revision: place.revision, position: place.position, ours: isOurs(place, event) };
  });
};

const appendOnce = async (
  client: EventStoreDbClient,
  settings: AppendSettings,
  stream: string,
  events: readonly EventToAppend[],
  expected: ExpectedRevision,
): Promise<E.Either<EventStoreError, AppendResult>> => {
  if (events.length === 0) throw new RangeError(`append to ${stream} needs at least one event`);
  const wanted = new Set(events.map((event) => idKey(event.id)));
  let end: StreamEnd = NO_STREAM;
  for (let attempt = 1; attempt <= settings.appendAttempts; attempt += 1) {
    const state = await readStreamState(client, settings, stream, wanted);
    end = state.end;
    const plan = planAppend(events, state.stored);
    if (plan.fresh.length === 0 && end !== NO_STREAM) {
      return E.right({ stream, revision: Number(end), events: appendedEvents(events, plan, []) });
    }
    if (!satisfies(expected, end)) return E.left(wrongExpectedRevision(stream, expected, end));
    const written = await write(client, settings, stream, plan.fresh, end);
    if (written === 'conflict') {
      if (expected === 'any') await sleep(10 * attempt + Math.random() * 20);
      continue;
    }
    const places = await placesOf(client, settings, stream, plan.fresh, end);
    return E.right({ stream, revision: Number(written.last), events: appendedEvents(events, plan, places) });
  }
  return E.left(wrongExpectedRevision(stream, expected, end));
};

/** What the server refused of an append to `stream` that the caller is expected to handle; anything else is rethrown. */
const refused = (stream: string, error: unknown): E.Either<EventStoreError, never> => {
  // A tombstoned stream fails the read before the append and the append itself alike.
  if (error instanceof StreamDeletedError) return E.left({ kind: 'stream_deleted', stream });
  if (error instanceof MaxAppendSizeExceededError) return E.left({ kind: 'event_too_large', stream, limit: error.maxAppendSize });
  throw error;
};

/**
 * The port's append on EventStoreDB: ids already in the stream are reported with their original revision and
 * position, the rest is appended at the revision just read (never ANY, whose deduplication is best effort). A lost
 * race re-reads: for 'any' it tries again (bounded, with a short jittered pause); for an explicit revision the re-read
 * either finds every event stored (idempotent success) or reports the mismatch. Callers serialize appends per stream
 * in-process, so races here come from other processes.
 */
export const appendDeduplicated: typeof appendOnce = (client, settings, stream, events, expected) =>
  appendOnce(client, settings, stream, events, expected).catch((error: unknown) => refused(stream, error));
