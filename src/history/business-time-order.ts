import { setImmediate } from 'node:timers/promises';
import * as E from 'fp-ts/lib/Either.js';
import { clockOf, compareClocks, type Clock } from '../../projections/last-writer-wins.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { EventStore } from '../store/event-store.js';
import { historicEvents, type HistoricEvent } from './historic-events.js';
import { streamRecords } from './stream-records.js';

/** Where an event is in its stream, and when it happened: all a fold in business-time order keeps of each. */
export type EventPlace = Clock & { readonly revision: number };

type StreamPlaces = {
  /** How many records the stream holds, readable or not. */
  readonly records: number;
  /** Its first readable event, in stream order. */
  readonly first: HistoricEvent | undefined;
  /** The places of the events kept, in business-time order (ties: event id, as last-writer-wins orders them). */
  readonly places: readonly EventPlace[];
};

const CHUNK = 16;

/**
 * Reads a stream once for when each of its events happened, keeping only their places (a few dozen bytes each,
 * whatever the events weigh), so that a fold in business-time order reads the events again a few at a time
 * (eventsAt) instead of holding the stream. `keep` chooses the events the fold wants.
 */
export const placesInBusinessTime = async (
  store: EventStore,
  stream: string,
  keep: (event: HistoricEvent) => boolean,
  signal?: AbortSignal,
): Promise<E.Either<EventStoreError, StreamPlaces>> => {
  const places: EventPlace[] = [];
  let records = 0;
  let first: HistoricEvent | undefined;
  for await (const read of streamRecords(store, stream, 0, CHUNK, signal)) {
    if (E.isLeft(read)) return read;
    records += 1;
    const [event] = historicEvents([read.right]);
    if (event === undefined) continue;
    first ??= event;
    if (keep(event)) places.push({ ...clockOf(event), revision: event.revision });
  }
  return E.right({ records, first, places: places.sort(compareClocks) });
};

/** How many places from `start` on are consecutive revisions: the events one read of the stream gives in order. */
const runFrom = (places: readonly EventPlace[], start: number): number => {
  let end = start + 1;
  while (end < places.length && end - start < CHUNK && places[end]?.revision === (places[end - 1]?.revision ?? 0) + 1) end += 1;
  return end - start;
};

/**
 * The events at `places`, in that order, each run of consecutive revisions read at once, the event loop handed back
 * after each event and the signal's reason thrown once it is aborted. An event no longer at its place (an erasure
 * rewrote the stream since the places were read) is left out, as is the rest of a stream gone meanwhile.
 */
export async function* eventsAt(
  store: EventStore,
  stream: string,
  places: readonly EventPlace[],
  signal?: AbortSignal,
): AsyncGenerator<E.Either<EventStoreError, HistoricEvent>, void, undefined> {
  for (let start = 0; start < places.length; ) {
    const run = runFrom(places, start);
    const fromRevision = places[start]?.revision ?? 0;
    const read = await store.readStream(stream, { fromRevision, limit: run });
    if (E.isLeft(read)) {
      if (read.left.kind !== 'stream_not_found') yield read;
      return;
    }
    for (const event of historicEvents(read.right)) {
      if (event.id !== places[start + event.revision - fromRevision]?.eventId) continue;
      yield E.right(event);
      await setImmediate();
      signal?.throwIfAborted();
    }
    start += run;
  }
}
