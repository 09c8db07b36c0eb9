import * as E from 'fp-ts/lib/Either.js';
import { QUARANTINE_STREAM } from '../events/route-delivery.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';

/** How many deliveries quarantine holds (retried ones included): the stream's last revision, plus one. */
export const quarantineSize = async (store: EventStore): Promise<E.Either<EventStoreError, number>> => {
  const last = await store.readStream(QUARANTINE_STREAM, { direction: 'backwards', limit: 1 });
  if (E.isLeft(last)) return last.left.kind === 'stream_not_found' ? E.right(0) : last;
  return E.right((last.right[0]?.revision ?? -1) + 1);
};
