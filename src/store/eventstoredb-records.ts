import {
  START as FROM_START,
  type Position as LogPosition,
  type ReadPosition,
  type RecordedEvent as StoredEvent,
} from '@eventstore/db-client';
import { START, type EventFilter, type JsonObject, type Position, type RecordedEvent } from './event-store.js';

/**
 * How the port's Position maps to EventStoreDB's $all position {commit, prepare}.
 *
 * Every append made over gRPC is written as prepare records that each carry the IsCommitted flag (no separate commit
 * record). For such an event the server reports commit = prepare = the log position of the event's own record, on
 * $all reads, on stream reads (server 22.6 and later) and in subscriptions; in a batch each event has its own. So the
 * commit position alone identifies an event and orders $all, and {commit: p, prepare: p} is exactly the event's
 * position when resuming from p. Events written by legacy TCP explicit transactions (commit != prepare) never come
 * from this adapter and are refused rather than mis-numbered.
 *
 * Positions are byte offsets in the transaction log; a JavaScript number holds them exactly up to 2^53 (8 PiB).
 */
const UNKNOWN_POSITION = 2n ** 64n - 1n;
const LARGEST_POSITION = BigInt(Number.MAX_SAFE_INTEGER);

/** The event's own position, or undefined when the server did not report a self-committed one. */
const positionOf = (position: LogPosition | undefined): Position | undefined => {
  if (position === undefined || position.commit >= UNKNOWN_POSITION || position.commit !== position.prepare) {
    return undefined;
  }
  if (position.commit > LARGEST_POSITION) throw new RangeError(`$all position ${position.commit} is beyond 2^53`);
  return Number(position.commit);
};

export const requirePosition = (position: LogPosition | undefined, eventId: string): Position => {
  const own = positionOf(position);
  if (own === undefined) {
    throw new Error(`event ${eventId} has no own $all position (server before 22.6, or an explicit transaction)`);
  }
  return own;
};

export const toReadPosition = (position: Position): ReadPosition =>
  position <= START ? FROM_START : { commit: BigInt(position), prepare: BigInt(position) };

const isJsonObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);

export const toRecordedEvent = (event: StoredEvent): RecordedEvent => ({
  id: event.id,
  stream: event.streamId,
  type: event.type,
  revision: Number(event.revision),
  position: requirePosition(event.position, event.id),
  data: event.data,
  // This adapter always writes a JSON object; anything else was not written through the port.
  metadata: isJsonObject(event.metadata) ? event.metadata : {},
  recordedAt: event.created.toISOString(),
});

/** The server's own bookkeeping ($settings, $stats-*, $$stream metadata...), never part of the port's log. */
export const isSystemEvent = (stream: string, type: string): boolean => stream.startsWith('$') || type.startsWith('$');

const matchesFilter = (filter: EventFilter | undefined, stream: string, type: string): boolean =>
  !isSystemEvent(stream, type) &&
  (filter?.streamPrefixes === undefined || filter.streamPrefixes.some((prefix) => stream.startsWith(prefix)));

/**
 * The port's event for one read from $all after `after`, or undefined: the server's own, another filter's, or one at
 * or before `after` (the server reads from a position inclusively).
 */
export const recordedAfter = (event: StoredEvent | undefined, filter: EventFilter | undefined, after: Position): RecordedEvent | undefined => {
  if (event === undefined || !matchesFilter(filter, event.streamId, event.type)) return undefined;
  const recorded = toRecordedEvent(event);
  return recorded.position <= after ? undefined : recorded;
};

