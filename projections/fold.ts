import type { EventType } from '../src/events/domain-event.js';
import type { Projection, ProjectedEvent } from './projection.js';

/**
 * Where a fold keeps its entities' states: a Map in memory, or the runner's batch over its read-model table.
 * `get` gives undefined for an entity not seen yet; `set` is called only when an event changed the state.
 */
export type EntityStates<S> = {
  readonly get: (key: string) => S | undefined;
  readonly set: (key: string, state: S) => void;
};

const handledTypes = new WeakMap<object, ReadonlySet<string>>();

/** Whether the projection folds events of this type (a Set per projection, built once). */
export const handlesType = (projection: { readonly handles: readonly string[] }, type: string): boolean => {
  let types = handledTypes.get(projection);
  if (types === undefined) {
    types = new Set<string>(projection.handles);
    handledTypes.set(projection, types);
  }
  return types.has(type);
};

const isHandled = <T extends EventType>(projection: { readonly handles: readonly T[] }, projected: ProjectedEvent): projected is ProjectedEvent<T> =>
  handlesType(projection, projected.event.type);

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
  for (const key of projection.keysOf(projected.event)) {
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
export const foldViews = <T extends EventType, S, V>(projection: Projection<T, S, V>, events: readonly ProjectedEvent[]): Map<string, V> =>
  new Map(
    [...foldEvents(projection, events)].flatMap(([key, state]) => {
      const row = projection.view(state);
      return row === null ? [] : [[key, row] as const];
    }),
  );
