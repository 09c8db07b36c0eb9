import type { EventType } from '../src/events/domain-event.js';
import type { EntityStates, ProjectedEvent, Projection } from './projection.js';

const handledTypes = new WeakMap<object, ReadonlySet<string>>();

/**
 * Whether the projection folds this event: the one check of `handles` (a Set per projection, built once), which
 * gives `keysOf` and `evolve` their argument types.
 */
const isHandled = <T extends EventType>(projection: { readonly handles: readonly T[] }, projected: ProjectedEvent): projected is ProjectedEvent<T> => {
  let types = handledTypes.get(projection);
  if (types === undefined) {
    types = new Set<string>(projection.handles);
    handledTypes.set(projection, types);
  }
  return types.has(projected.event.type);
};

/** The entity keys the event touches; [] for an event the projection does not handle. */
export const keysTouched = <T extends EventType, S, V>(projection: Projection<T, S, V>, projected: ProjectedEvent): readonly string[] =>
  isHandled(projection, projected) ? projection.keysOf(projected) : [];

/**
 * The one fold step, used by every fold (in memory, live, catch-up, rebuild, verify): each entity the event
 * touches is evolved from its state, or from its initial state when it has none yet. `holds` narrows the keys to
 * those this fold owns (a bulk fold's bucket).
 */
export const evolveEntities = <T extends EventType, S, V>(
  projection: Projection<T, S, V>,
  states: EntityStates<S>,
  projected: ProjectedEvent,
  holds?: (key: string) => boolean,
): void => {
  if (!isHandled(projection, projected)) return;
  for (const key of projection.keysOf(projected)) {
    if (holds !== undefined && !holds(key)) continue;
    const current = states.get(key) ?? projection.initial(key);
    const next = projection.evolve(current, projected);
    if (next !== current) states.set(key, next);
  }
};

/** Every entity's state after the events, in the order given; entities no event changed are left out. */
export const foldEvents = <T extends EventType, S, V>(projection: Projection<T, S, V>, events: readonly ProjectedEvent[]): Map<string, S> => {
  const states = new Map<string, S>();
  for (const projected of events) evolveEntities(projection, states, projected);
  return states;
};

/** Every entity's public row after the events; entities with nothing known yet are left out. */
export const foldViews = <T extends EventType, S, V>(projection: Projection<T, S, V>, events: readonly ProjectedEvent[]): Map<string, V> => {
  const views = new Map<string, V>();
  for (const [key, state] of foldEvents(projection, events)) {
    const row = projection.view(state);
    if (row !== null) views.set(key, row);
  }
  return views;
};
