import { setImmediate } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import { QUARANTINE_STREAM } from '../events/route-delivery.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';

/** Records read at once: each holds a body of up to MAX_BODY_BYTES, so this bounds what a walk holds in memory. */
export const QUARANTINE_READ_CHUNK = 4;

/**
 * The quarantine stream from `fromRevision` on, a chunk at a time, handing the event loop back after every record
 * (revalidating a 1 MB body takes milliseconds), so that other requests are served while a walk runs. A store
 * failure is the last thing yielded; a missing stream is simply empty.
 */
export async function* quarantineRecords(
  store: EventStore,
  fromRevision: number,
): AsyncGenerator<E.Either<EventStoreError, RecordedEvent>, void, undefined> {
  for (let next = fromRevision; ; ) {
    const read = await store.readStream(QUARANTINE_STREAM, { fromRevision: next, limit: QUARANTINE_READ_CHUNK });
    if (E.isLeft(read)) {
      if (read.left.kind !== 'stream_not_found') yield read;
      return;
    }
    for (const recorded of read.right) {
      yield E.right(recorded);
      await setImmediate();
    }
    const last = read.right.at(-1);
    if (last === undefined || read.right.length < QUARANTINE_READ_CHUNK) return;
    next = last.revision + 1;
  }
}

/** How many records quarantine holds: one past the last revision. */
export const quarantineLength = async (store: EventStore): Promise<E.Either<EventStoreError, number>> => {
  const read = await store.readStream(QUARANTINE_STREAM, { direction: 'backwards', limit: 1 });
  if (E.isLeft(read)) return read.left.kind === 'stream_not_found' ? E.right(0) : read;
  return E.right((read.right[0]?.revision ?? -1) + 1);
};
