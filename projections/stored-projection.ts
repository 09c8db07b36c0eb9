import type { EventType } from '../src/events/domain-event.js';
import { evolveEntities, keysTouched } from './fold.js';
import type { EntityStates, Projection, StoredProjection } from './projection.js';

/**
 * The projection behind one type that holds every projection. Whether it handles an event is checked once, by the
 * fold step; a state that is not its own is a bug in the caller (one table per projection name and version) and
 * throws.
 */
export const storedProjection = <T extends EventType, S, V>(projection: Projection<T, S, V>): StoredProjection => {
  const ownState = (stored: unknown): S => {
    if (!projection.isState(stored)) throw new Error(`the ${projection.name} projection was given a state that is not its own`);
    return stored;
  };
  // One view of each caller's states as this projection's, made once per states object.
  const owned = new WeakMap<EntityStates<unknown>, EntityStates<S>>();
  const ownStates = (states: EntityStates<unknown>): EntityStates<S> => {
    let own = owned.get(states);
    if (own === undefined) {
      own = {
        get: (key) => {
          const stored = states.get(key);
          return stored === undefined ? undefined : ownState(stored);
        },
        set: (key, state) => states.set(key, state),
      };
      owned.set(states, own);
    }
    return own;
  };
  return {
    name: projection.name,
    version: projection.version,
    handles: projection.handles,
    keysOf: (projected) => keysTouched(projection, projected),
    evolveEntities: (states, projected, holds) => evolveEntities(projection, ownStates(states), projected, holds),
    view: (state) => projection.view(ownState(state)),
  };
};
