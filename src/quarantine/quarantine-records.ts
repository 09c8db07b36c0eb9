import * as E from 'fp-ts/lib/Either.js';
import { QUARANTINE_STREAM } from '../events/route-delivery.js';
import { streamRecords } from '../history/stream-records.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore, RecordedEvent } from '../store/event-store.js';

/** Records read at once: each holds a body of up to MAX_BODY_BYTES, so this bounds what a walk holds in memory. */
const QUARANTINE_READ_CHUNK = 4;

/** The quarantine stream from `fromRevision` on, a few records at a time, the event loop free between them. */
export const quarantineRecords = (store: EventStore, fromRevision: number): AsyncGenerator<E.Either<EventStoreError, RecordedEvent>, void, undefined> =>
  streamRecords(store, QUARANTINE_STREAM, fromRevision, QUARANTINE_READ_CHUNK);

