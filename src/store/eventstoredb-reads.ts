import {
  BACKWARDS,
  END,
  FORWARDS,
  START as FROM_START,
  StreamDeletedError,
  StreamNotFoundError,
  type ReadPosition,
  type RecordedEvent as StoredEvent,
} from '@eventstore/db-client';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from './event-store-error.js';
import { START, type Position, type ReadAllOptions, type ReadStreamOptions, type RecordedEvent } from './event-store.js';
import { readWithDeadline, type EventStoreDbClient } from './eventstoredb-client.js';
import { isSystemEvent, recordedAfter, requirePosition, toReadPosition, toRecordedEvent } from './eventstoredb-records.js';

const collect = async <A>(items: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of items) out.push(item);
  return out;
};

/** maxCount for a read that goes on until the caller stops pulling. */
const EVERYTHING = BigInt(Number.MAX_SAFE_INTEGER);

export const readStream = async (
  client: EventStoreDbClient,
  deadlineMs: number,
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
    const resolved = await collect(readWithDeadline(read, deadlineMs));
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
 * inclusively; positions at or before the one asked for are skipped, which makes fromPosition exclusive. What the
 * read throws goes to `fail`.
 */
export async function* readAll(
  client: EventStoreDbClient,
  deadlineMs: number,
  fail: (error: unknown) => never,
  { fromPosition = START, filter, limit = Infinity }: ReadAllOptions = {},
): AsyncGenerator<RecordedEvent> {
  let remaining = limit;
  if (remaining <= 0) return;
  const read = client.readAll({ direction: FORWARDS, fromPosition: toReadPosition(fromPosition), maxCount: EVERYTHING });
  try {
    for await (const { event } of readWithDeadline(read, deadlineMs)) {
      const recorded = recordedAfter(event, filter, fromPosition);
      if (recorded === undefined) continue;
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
export const headPosition = async (client: EventStoreDbClient, deadlineMs: number): Promise<E.Either<EventStoreError, Position>> => {
  let from: ReadPosition = END;
  let maxCount = 1n;
  for (;;) {
    let last: StoredEvent | undefined;
    const read = client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount });
    for await (const { event } of readWithDeadline(read, deadlineMs)) {
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

/** One read of the newest event of the log, whatever it is: whether the server answers. */
export const readNewest = async (client: EventStoreDbClient, deadlineMs: number): Promise<E.Either<EventStoreError, void>> => {
  await collect(readWithDeadline(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 }), deadlineMs));
  return E.right(undefined);
};
