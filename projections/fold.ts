import type { EventType } from '../src/events/domain-event.js';
import { handledBy, type Projection, type ProjectedEvent } from './projection.js';

/** Every entity's state after the events, in the order given (tests, bench, audit; the runner does the same per batch). */
export const foldEvents = <T extends EventType, S, V>(projection: Projection<T, S, V>, events: readonly ProjectedEvent[]): Map<string, S> => {
  const states = new Map<string, S>();
  const { isHandledEvent } = handledBy(projection.handles);
  for (const projected of events) {
    if (!isHandledEvent(projected)) continue;
    for (const key of projection.keysOf(projected.event)) {
      states.set(key, projection.evolve(states.get(key) ?? projection.initial(key), projected));
    }
  }
  return states;
};

/** Every entity's public row after the events; entities with nothing known yet are left out. */
export const foldViews = <T extends EventType, S, V>(projection: Projection<T, S, V>, events: readonly ProjectedEvent[]): Map<string, V> =>
  new Map(
    [...foldEvents(projection, events)].flatMap(([key, state]) => {
      const row = projection.view(state);
      return row === null ? [] : [[key, row] as const];
    }),
  );
