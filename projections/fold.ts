import { CONTACT_FORGOTTEN } from '../src/events/contact-forgotten.js';
import type { EventType } from '../src/events/domain-event.js';
import { redactEvent } from '../src/events/redact-event.js';
import { covers, type BusinessProjection, type Erasable, type PersonalData } from './erasure.js';
import { clockOf, latest } from './last-writer-wins.js';
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

type Forget = typeof CONTACT_FORGOTTEN;

const isForget = (projected: ProjectedEvent): projected is ProjectedEvent<Forget> => projected.event.type === CONTACT_FORGOTTEN;

/**
 * The projection, handling contact.forgotten as well: the latest erasure that reaches an entity is kept on its state,
 * what the state holds from before it is erased, and an event from before it that arrives later is erased before the
 * projection sees it, so that the state does not depend on the order (the log holds such an event erased too).
 * It is part of the fold, beside the step: every projection's state goes through it, and no evolve mentions forgets.
 */
export const withErasure = <T extends Exclude<EventType, Forget>, S extends object, V>(
  projection: BusinessProjection<T, S, V>,
  personal: PersonalData<S>,
): Projection<T | Forget, Erasable<S>, V> => {
  const own = new Set<EventType>(projection.handles);
  const isOwn = (projected: ProjectedEvent): projected is ProjectedEvent<T> => own.has(projected.event.type);

  const forget = (state: Erasable<S>, projected: ProjectedEvent<Forget>): Erasable<S> => {
    const { forgotten_at: at, reason, erasure_id } = projected.event.data;
    const forgotten = latest(state.forgotten, { ...clockOf(projected), value: { at, reason, erasure_id } });
    const erased = personal.erase(state, forgotten);
    return forgotten === state.forgotten && erased === state ? state : { ...erased, forgotten };
  };

  // The fold step hands over only events of `handles`: the projection's own, or a contact.forgotten.
  return {
    ...projection,
    handles: [...projection.handles, CONTACT_FORGOTTEN],
    keysOf: (projected) => (isOwn(projected) ? projection.keysOf(projected) : isForget(projected) ? personal.keysOf(projected.event.data) : []),
    evolve: (state, projected) => {
      if (!isOwn(projected)) return isForget(projected) ? forget(state, projected) : state;
      const { forgotten } = state;
      if (forgotten === undefined) return projection.evolve(state, projected);
      const seen = covers(forgotten, clockOf(projected)) ? { ...projected, event: redactEvent(projected.event) } : projected;
      const next = projection.evolve(state, seen);
      // The projection's evolve need not know of the erasure its state carries.
      return next === state ? state : { ...next, forgotten };
    },
    isState: (stored): stored is Erasable<S> => projection.isState(stored),
  };
};
