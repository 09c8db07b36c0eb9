import * as E from 'fp-ts/lib/Either.js';
import { evolveEntities } from '../../projections/fold.js';
import type { Projection } from '../../projections/projection.js';
import type { EventType } from '../events/domain-event.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { eventsAt, placesInBusinessTime } from './business-time-order.js';
import { entityStream, type EntityKind } from './entity-stream.js';
import { historicEvents, type HistoricEvent } from './historic-events.js';
import { streamRecords } from './stream-records.js';

/** When to look: at a business time (microseconds), or after a revision of the entity's stream. Never both. */
export type PointInTime = { readonly as_of?: number | undefined; readonly at_revision?: number | undefined };

/**
 * What a lookup in the past finds: the view then, nothing known of the entity by then, or (by revision) a revision
 * its stream does not have yet, which is not the same as the latest state.
 */
type AsOfResult<V> = { readonly kind: 'view'; readonly view: V } | AsOfAbsent;
export type AsOfAbsent = { readonly kind: 'unknown' } | { readonly kind: 'no_such_revision'; readonly lastRevision: number };

const CHUNK = 16;

/** The stream in stream (arrival) order, up to the revision; gives the last revision folded (-1: none). */
const foldToRevision = async (
  store: EventStore,
  stream: string,
  atRevision: number,
  foldIn: (event: HistoricEvent) => void,
  signal: AbortSignal | undefined,
): Promise<E.Either<EventStoreError, number>> => {
  let lastRevision = -1;
  for await (const read of streamRecords(store, stream, 0, CHUNK, signal)) {
    if (E.isLeft(read)) return read;
    if (read.right.revision > atRevision) break;
    for (const event of historicEvents([read.right])) {
      lastRevision = event.revision;
      foldIn(event);
    }
  }
  return E.right(lastRevision);
};

/** The stream's events that had happened by `asOf` (all without it), in business-time order. */
const foldToBusinessTime = async (
  store: EventStore,
  stream: string,
  asOf: number | undefined,
  foldIn: (event: HistoricEvent) => void,
  signal: AbortSignal | undefined,
): Promise<E.Either<EventStoreError, void>> => {
  const read = await placesInBusinessTime(store, stream, () => true, signal);
  if (E.isLeft(read)) return read;
  const { places } = read.right;
  const after = asOf === undefined ? -1 : places.findIndex((place) => place.micros > asOf);
  for await (const event of eventsAt(store, stream, after === -1 ? places : places.slice(0, after), signal)) {
    if (E.isLeft(event)) return event;
    foldIn(event.right);
  }
  return E.right(undefined);
};

/**
 * Time travel: the entity's view folded, with its real projection, from its own stream's events up to the point.
 * By business time the fold runs in business-time order; by revision in stream (arrival) order. Only the entity's
 * own stream counts: fields a contact gets from copies embedded in message, booking or ticket events are not part of
 * its as-of state. The stream is read a few events at a time; only the entity's state is held.
 */
export const entityAsOf = async <T extends EventType, S, V>(
  store: EventStore,
  projection: Projection<T, S, V>,
  kind: EntityKind,
  key: string,
  point: PointInTime,
  signal?: AbortSignal,
): Promise<E.Either<EventStoreError, AsOfResult<V>>> => {
  const stream = entityStream(kind, key);
  const states = new Map<string, S>();
  const foldIn = (event: HistoricEvent) => evolveEntities(projection, states, event, (touched) => touched === key);
  const { as_of: asOf, at_revision: atRevision } = point;
  if (atRevision === undefined) {
    const folded = await foldToBusinessTime(store, stream, asOf, foldIn, signal);
    if (E.isLeft(folded)) return folded;
  } else {
    // A revision past the stream's end is not its latest state: the stream has no such revision yet.
    const folded = await foldToRevision(store, stream, atRevision, foldIn, signal);
    if (E.isLeft(folded)) return folded;
    const lastRevision = folded.right;
    if (lastRevision >= 0 && atRevision > lastRevision) return E.right({ kind: 'no_such_revision', lastRevision });
  }
  const state = states.get(key);
  const view = state === undefined ? null : projection.view(state);
  return E.right(view === null ? { kind: 'unknown' } : { kind: 'view', view });
};
