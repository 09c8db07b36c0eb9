import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';
import { readStreamIfExists } from './read-stream-if-exists.js';
import { pageFill } from '../read-model/page-fill.js';
import { storedBytes, streamRecords } from './stream-records.js';

/** Stored events of one stream, as stored, and where the next page starts (null: no more). */
type StreamHistory = {
  readonly stream: string;
  readonly events: readonly RecordedEvent[];
  readonly next_from_revision: number | null;
};

type HistoryRange = { readonly from_revision?: number | undefined; readonly limit: number };

const CHUNK = 16;

/**
 * A stream's raw events in stream order, a page of at most `limit` and about MAX_PAGE_BYTES of them; undefined
 * when the stream does not exist.
 */
export const streamHistory = async (
  store: EventStore,
  stream: string,
  { from_revision: fromRevision = 0, limit }: HistoryRange,
  signal?: AbortSignal,
): Promise<E.Either<EventStoreError, StreamHistory | undefined>> => {
  const events: RecordedEvent[] = [];
  const fill = pageFill(limit);
  for await (const read of streamRecords(store, stream, fromRevision, Math.min(CHUNK, limit + 1), signal)) {
    if (E.isLeft(read)) return read;
    // One event more than fits says where the next page starts.
    if (fill.full()) return E.right({ stream, events, next_from_revision: read.right.revision });
    events.push(read.right);
    fill.add(storedBytes(read.right));
  }
  if (events.length > 0) return E.right({ stream, events, next_from_revision: null });
  // Nothing read: an empty page if the stream exists, else no such stream.
  const exists = await readStreamIfExists(store, stream, { limit: 1 });
  if (E.isLeft(exists)) return exists;
  return E.right(exists.right === undefined ? undefined : { stream, events, next_from_revision: null });
};
