import * as E from 'fp-ts/lib/Either.js';
import { attemptEventId } from '../events/canonical-json.js';
import { ATTEMPTS_STREAM, DELIVERY_ATTEMPTED } from '../events/delivery-log-events.js';
import { describeEventStoreError } from '../store/event-store-error.js';
import type { EventStore, JsonObject } from '../store/event-store.js';
import type { AppendObserver } from './append-observer.js';
import type { IntakeOutcome } from './intake-outcome.js';

/** An outcome whose event the log held already: a provider retry, under a delivery id of its own. */
type Repeated = Extract<IntakeOutcome, { readonly status: 'duplicate' | 'unrecognized' | 'quarantined' }>;

/**
 * Puts a further attempt of a delivery the log holds into the log too (ATTEMPTS_STREAM): the event it repeated and,
 * in its metadata, its own delivery id and arrival, so that the delivery log finds the delivery by any attempt's id,
 * and a rebuild finds them again. Its id derives from both ids, so the same attempt twice is one event. When it
 * cannot be stored the answer is `unavailable`: the provider retries, and that attempt is recorded.
 */
export const recordAttempt = async (
  store: EventStore,
  outcome: Repeated,
  deliveryId: string,
  metadata: JsonObject,
  appends?: AppendObserver,
): Promise<IntakeOutcome> => {
  const attempt = {
    id: attemptEventId(outcome.event_id, deliveryId),
    type: DELIVERY_ATTEMPTED,
    data: { event_id: outcome.event_id, stream: outcome.stream },
    metadata,
  };
  const started = performance.now();
  const result = await store.append(ATTEMPTS_STREAM, [attempt], 'any');
  appends?.append((performance.now() - started) / 1000, result);
  if (E.isRight(result)) return outcome;
  appends?.storeError('append', result.left.kind);
  return { status: 'unavailable', reason: describeEventStoreError(result.left) };
};
