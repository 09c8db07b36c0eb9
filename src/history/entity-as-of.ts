import * as E from 'fp-ts/lib/Either.js';
import { foldEvents } from '../../projections/fold.js';
import { clockOf, compareClocks } from '../../projections/last-writer-wins.js';
import type { Projection } from '../../projections/projection.js';
import type { EventType } from '../events/domain-event.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { entityStream, type EntityKind } from './entity-stream.js';
import { historicEvents, type HistoricEvent } from './historic-events.js';
import { readWholeStream } from './read-stream-if-exists.js';

/** When to look: at a business time (microseconds), or after a revision of the entity's stream. Never both. */
export type PointInTime = { readonly as_of?: number | undefined; readonly at_revision?: number | undefined };

const byBusinessTime = (a: HistoricEvent, b: HistoricEvent): number => compareClocks(clockOf(a), clockOf(b));

/** The events that had happened by then, in the order they are folded. */
const eventsUntil = (events: readonly HistoricEvent[], point: PointInTime): HistoricEvent[] => {
  const { as_of: asOf, at_revision: atRevision } = point;
  if (atRevision !== undefined) return events.filter((event) => event.revision <= atRevision);
  return events.filter((event) => asOf === undefined || event.micros <= asOf).sort(byBusinessTime);
};

/**
 * What a lookup in the past finds: the view then, nothing known of the entity by then, or (by revision) a revision
 * its stream does not have yet, which is not the same as the latest state.
 */
export type AsOfResult<V> = { readonly kind: 'view'; readonly view: V } | AsOfAbsent;
export type AsOfAbsent = { readonly kind: 'unknown' } | { readonly kind: 'no_such_revision'; readonly lastRevision: number };

/**
 * Time travel: the entity's view folded, with its real projection, from its own stream's events up to the point.
 * By business time the fold runs in business-time order; by revision in stream (arrival) order. Only the entity's
 * own stream counts: fields a contact gets from copies embedded in message, booking or ticket events are not part of
 * its as-of state.
 */
export const entityAsOf = async <T extends EventType, S, V>(
  store: EventStore,
  projection: Projection<T, S, V>,
  kind: EntityKind,
  key: string,
  point: PointInTime,
): Promise<E.Either<EventStoreError, AsOfResult<V>>> => {
  // By revision, the stream is read only up to that revision; a revision past its end still reads all of it.
  const read = await readWholeStream(store, entityStream(kind, key), point.at_revision);
  if (E.isLeft(read)) return read;
  const events = historicEvents(read.right ?? []);
  const lastRevision = Math.max(-1, ...events.map((event) => event.revision));
  if (point.at_revision !== undefined && events.length > 0 && point.at_revision > lastRevision) {
    return E.right({ kind: 'no_such_revision', lastRevision });
  }
  const state = foldEvents(projection, eventsUntil(events, point)).get(key);
  const view = state === undefined ? null : projection.view(state);
  return E.right(view === null ? { kind: 'unknown' } : { kind: 'view', view });
};
