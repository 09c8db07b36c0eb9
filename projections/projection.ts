import type { DomainEvent, EventType } from '../src/events/domain-event.js';

type EventsByType = { readonly [E in DomainEvent as E['type']]: E };

/** The domain events of the given types: what a projection that handles them receives. */
export type DomainEventOf<T extends EventType> = EventsByType[T];

/** An event as a projection sees it: the canonical domain event and its store id (the deterministic tie-break). */
export type ProjectedEvent<T extends EventType = EventType> = {
  readonly id: string;
  /** The business time (`occurred_at`) in microseconds, `micros` of last-writer-wins: read once, for every projection. */
  readonly micros: number;
  readonly event: DomainEventOf<T>;
};

/**
 * A read model as plain data, typed by the events it handles: `keysOf` and `evolve` only ever receive those. `S` is
 * stored as JSON between batches, so it holds only JSON values; `evolve` must converge: any arrival order and any
 * duplication of the same events gives the same `view`.
 */
export type Projection<T extends EventType, S, V> = {
  readonly name: string;
  /** Bumping it makes the runner rebuild the projection. */
  readonly version: number;
  readonly handles: readonly T[];
  /** The entity keys (`entityKey`) an event touches; [] = ignore it. */
  readonly keysOf: (event: DomainEventOf<T>) => readonly string[];
  readonly initial: (key: string) => S;
  /** Pure. Returns a new object when the event changes the state, the same one when it changes nothing. */
  readonly evolve: (state: S, event: ProjectedEvent<T>) => S;
  /** The public, JSON-serialisable row; null while nothing is known. */
  readonly view: (state: S) => V | null;
  /** Whether a state read back from storage is this projection's: a cheap look at its shape. */
  readonly isState: (stored: unknown) => stored is S;
};

/** A projection whose events, states and views its caller only passes through (runner, read model, registry). */
export type StoredProjection = Projection<EventType, unknown, unknown>;

/** Guards of "the projection handles this event" (a Set lookup) that give `keysOf` and `evolve` their argument types. */
export const handledBy = <T extends EventType>(handles: readonly T[]) => {
  const handled: ReadonlySet<EventType> = new Set(handles);
  const isHandled = (event: DomainEvent): event is DomainEventOf<T> => handled.has(event.type);
  const isHandledEvent = (projected: ProjectedEvent): projected is ProjectedEvent<T> => isHandled(projected.event);
  return { isHandled, isHandledEvent };
};

/**
 * The projection behind one type that holds every projection. Events it does not handle change nothing and touch
 * no key; a state that is not its own is a bug in the caller (one table per projection name and version) and throws.
 */
export const storedProjection = <T extends EventType, S, V>(projection: Projection<T, S, V>): StoredProjection => {
  const { isHandled, isHandledEvent } = handledBy(projection.handles);
  const ownState = (stored: unknown): S => {
    if (!projection.isState(stored)) throw new Error(`the ${projection.name} projection was given a state that is not its own`);
    return stored;
  };
  return {
    name: projection.name,
    version: projection.version,
    handles: projection.handles,
    keysOf: (event) => (isHandled(event) ? projection.keysOf(event) : []),
    initial: projection.initial,
    evolve: (state, projected) => (isHandledEvent(projected) ? projection.evolve(ownState(state), projected) : state),
    view: (state) => projection.view(ownState(state)),
    isState: projection.isState,
  };
};
