import type { EventType } from '../src/events/domain-event.js';
import type { EntityStates, Projection, ProjectedEvent, StoredProjection } from './projection.js';

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
  isHandled(projection, projected) ? projection.keysOf(projected.event) : [];

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

/**
 * What folding in memory needs of a projection, whichever kind: the fold step over states of one type, and the view
 * of a state. A StoredProjection is one already; a typed projection becomes one through inMemoryFold.
 */
type InMemoryFold<S, V> = {
  readonly evolveEntities: (states: EntityStates<S>, projected: ProjectedEvent) => void;
  readonly view: (state: S) => V | null;
};

const inMemoryFold = <T extends EventType, S, V>(projection: Projection<T, S, V>): InMemoryFold<S, V> => ({
  evolveEntities: (states, projected) => evolveEntities(projection, states, projected),
  view: projection.view,
});

const statesAfter = <S, V>(fold: InMemoryFold<S, V>, events: readonly ProjectedEvent[]): Map<string, S> => {
  const states = new Map<string, S>();
  for (const projected of events) fold.evolveEntities(states, projected);
  return states;
};

const viewsAfter = <S, V>(fold: InMemoryFold<S, V>, events: readonly ProjectedEvent[]): Map<string, V> =>
  new Map(
    [...statesAfter(fold, events)].flatMap(([key, state]) => {
      const row = fold.view(state);
      return row === null ? [] : [[key, row] as const];
    }),
  );

/**
 * Every entity's state after the events, in the order given; entities no event changed are left out. A typed
 * projection gives its states; one of the registry's folds through its own step.
 */
export function foldEvents<T extends EventType, S, V>(projection: Projection<T, S, V>, events: readonly ProjectedEvent[]): Map<string, S>;
export function foldEvents(projection: StoredProjection, events: readonly ProjectedEvent[]): Map<string, unknown>;
export function foldEvents<T extends EventType, S, V>(
  projection: Projection<T, S, V> | StoredProjection,
  events: readonly ProjectedEvent[],
): Map<string, S> | Map<string, unknown> {
  return 'evolveEntities' in projection ? statesAfter(projection, events) : statesAfter(inMemoryFold(projection), events);
}

/** Every entity's public row after the events; entities with nothing known yet are left out. */
export function foldViews<T extends EventType, S, V>(projection: Projection<T, S, V>, events: readonly ProjectedEvent[]): Map<string, V>;
export function foldViews(projection: StoredProjection, events: readonly ProjectedEvent[]): Map<string, unknown>;
export function foldViews<T extends EventType, S, V>(
  projection: Projection<T, S, V> | StoredProjection,
  events: readonly ProjectedEvent[],
): Map<string, V> | Map<string, unknown> {
  return 'evolveEntities' in projection ? viewsAfter(projection, events) : viewsAfter(inMemoryFold(projection), events);
}
