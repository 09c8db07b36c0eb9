import * as E from 'fp-ts/lib/Either.js';
import { foldEvents } from '../../projections/fold.js';
import { clockOf, compareClocks, micros } from '../../projections/last-writer-wins.js';
import type { Projection } from '../../projections/projection.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { entityStream, type EntityKind } from './entity-stream.js';
import { historicEvents, type HistoricEvent } from './historic-events.js';
import { readStreamIfExists } from './read-stream-if-exists.js';

/** When to look: at a business time (microseconds), or after a revision of the entity's stream. Never both. */
export type PointInTime = { readonly as_of?: number | undefined; readonly at_revision?: number | undefined };

const byBusinessTime = (a: HistoricEvent, b: HistoricEvent): number => compareClocks(clockOf(a), clockOf(b));

/** The events that had happened by then, in the order they are folded. */
const eventsUntil = (events: readonly HistoricEvent[], point: PointInTime): HistoricEvent[] => {
  const { as_of: asOf, at_revision: atRevision } = point;
  if (atRevision !== undefined) return events.filter((event) => event.revision <= atRevision);
  return events.filter((event) => asOf === undefined || micros(event.event.occurred_at) <= asOf).sort(byBusinessTime);
};

/**
 * Time travel: the entity's view folded, with its real projection, from its own stream's events up to the point.
 * By business time the fold runs in business-time order; by revision in stream (arrival) order. Only the entity's
 * own stream counts: fields a contact gets from copies embedded in message, booking or ticket events are not part of
 * its as-of state. Null when the stream does not exist or nothing of the entity was known by then.
 */
export const entityAsOf = async <S, V>(
  store: EventStore,
  projection: Projection<S, V>,
  kind: EntityKind,
  key: string,
  point: PointInTime,
): Promise<E.Either<EventStoreError, V | null>> => {
  const read = await readStreamIfExists(store, entityStream(kind, key));
  if (E.isLeft(read)) return read;
  const state = foldEvents(projection, eventsUntil(historicEvents(read.right ?? []), point)).get(key);
  return E.right(state === undefined ? null : projection.view(state));
};
