import type { DomainEventOf, EventType } from '../src/events/domain-event.js';

/** An event as a projection sees it: the canonical domain event and its store id (the deterministic tie-break). */
export type ProjectedEvent<T extends EventType = EventType> = {
  readonly id: string;
  /** The business time (`occurred_at`) in microseconds, `micros` of last-writer-wins: read once, for every projection. */
  readonly micros: number;
  readonly event: DomainEventOf<T>;
};

/**
 * A read model as plain data, typed by the events it handles: `keysOf` and `evolve` only ever receive those (the fold
 * step checks `handles`). `S` is stored as JSON between batches, so it holds only JSON values; `evolve` must converge:
 * any arrival order and any duplication of the same events gives the same `view`.
 *
 * The one projection type. Its members are methods so that the runner, the read model and the registry can hold
 * projections of different states in one list (`Projection`, with its defaults): a method's parameters are compared
 * both ways. What keeps that sound is where states come from: a projection is only ever given states of its own
 * `initial` or `evolve`, or states that passed its `isState` where they were read back from storage.
 */
export type Projection<T extends EventType = EventType, S = unknown, V = unknown> = {
  readonly name: string;
  /** Bumping it makes the runner rebuild the projection. */
  readonly version: number;
  readonly handles: readonly T[];
  /** The entity keys (`entityKey`) an event touches; [] = ignore it. */
  keysOf(event: ProjectedEvent<T>): readonly string[];
  initial(key: string): S;
  /** Pure. Returns a new object when the event changes the state, the same one when it changes nothing. */
  evolve(state: S, event: ProjectedEvent<T>): S;
  /** The public, JSON-serialisable row; null while nothing is known. */
  view(state: S): V | null;
  /** Whether a state read back from storage is this projection's: a cheap look at its shape. */
  isState(stored: unknown): stored is S;
};

/**
 * Where a fold keeps its entities' states: a Map in memory, or the runner's batch over its read-model table.
 * `get` gives undefined for an entity not seen yet; `set` is called only when an event changed the state.
 */
export type EntityStates<S> = {
  readonly get: (key: string) => S | undefined;
  readonly set: (key: string, state: S) => void;
};

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
