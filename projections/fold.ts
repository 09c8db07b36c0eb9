import type { Projection, ProjectedEvent } from './projection.js';

/** Every entity's state after the events, in the order given (tests, bench, audit; the runner does the same per batch). */
export const foldEvents = <S, V>(projection: Projection<S, V>, events: readonly ProjectedEvent[]): Map<string, S> => {
  const states = new Map<string, S>();
  const handles = new Set(projection.handles);
  for (const projected of events) {
    if (!handles.has(projected.event.type)) continue;
    for (const key of projection.keysOf(projected.event)) {
      states.set(key, projection.evolve(states.get(key) ?? projection.initial(key), projected));
    }
  }
  return states;
};

/** Every entity's public row after the events; entities with nothing known yet are left out. */
export const foldViews = <S, V>(projection: Projection<S, V>, events: readonly ProjectedEvent[]): Map<string, V> =>
  new Map(
    [...foldEvents(projection, events)].flatMap(([key, state]) => {
      const row = projection.view(state);
      return row === null ? [] : [[key, row] as const];
    }),
  );
