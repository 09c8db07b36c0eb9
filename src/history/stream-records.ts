import { setImmediate } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';

/**
 * A stream from `fromRevision` on, `chunk` records per read, handing the event loop back after every record (a
 * record may hold a body of up to MAX_BODY_BYTES), so that other requests are served while a long read runs, and
 * throwing the signal's reason once it is aborted (the client has gone). A store failure is the last thing
 * yielded; a missing stream is simply empty.
 */
export async function* streamRecords(
  store: EventStore,
  stream: string,
  fromRevision: number,
  chunk: number,
  signal?: AbortSignal,
): AsyncGenerator<E.Either<EventStoreError, RecordedEvent>, void, undefined> {
  for (let next = fromRevision; ; ) {
    const read = await store.readStream(stream, { fromRevision: next, limit: chunk });
    if (E.isLeft(read)) {
      if (read.left.kind !== 'stream_not_found') yield read;
      return;
    }
    for (const recorded of read.right) {
      yield E.right(recorded);
      await setImmediate();
      signal?.throwIfAborted();
    }
    const last = read.right.at(-1);
    if (last === undefined || read.right.length < chunk) return;
    next = last.revision + 1;
  }
}

/** How much an event weighs in an answer: its data and metadata as JSON. */
export const storedBytes = (event: RecordedEvent): number => JSON.stringify(event.data).length + JSON.stringify(event.metadata).length;
