import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, describeEventStoreError, storeUnavailable, type EventStoreError } from './event-store-error.js';
import { storeUnavailableFrom } from './eventstoredb-client.js';
import type { StoreAvailability } from './store-availability.js';

/** A call of the adapter, answered as the port answers: a value, or the error a caller is expected to handle. */
export type Answering = <A>(work: () => Promise<E.Either<EventStoreError, A>>) => Promise<E.Either<EventStoreError, A>>;

/** The store_unavailable of a server that cannot be reached, told to `availability`; anything else is rethrown. */
const unavailableFrom = (availability: StoreAvailability, error: unknown): EventStoreError => {
  const unavailable = storeUnavailableFrom(error);
  if (unavailable === undefined) throw error;
  availability.failed(describeEventStoreError(unavailable));
  return unavailable;
};

/**
 * Turns an unreachable server, or a closed adapter, into the port's store_unavailable; everything else is a bug and
 * is rethrown.
 */
export const answering =
  (availability: StoreAvailability, closed: () => boolean): Answering =>
  async (work) => {
    if (closed()) return E.left(storeUnavailable('store closed'));
    try {
      const answer = await work();
      availability.answered();
      return answer;
    } catch (error) {
      return E.left(unavailableFrom(availability, error));
    }
  };

/** The same inside an iteration, where the error can only be thrown. */
export const failing =
  (availability: StoreAvailability) =>
  (error: unknown): never => {
    throw new EventStoreFailure(unavailableFrom(availability, error));
  };
