import type { DomainEventOf, EventType } from '../src/events/domain-event.js';

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

/**
 * Where a fold keeps its entities' states: a Map in memory, or the runner's batch over its read-model table.
 * `get` gives undefined for an entity not seen yet; `set` is called only when an event changed the state.
 */
export type EntityStates<S> = {
  readonly get: (key: string) => S | undefined;
  readonly set: (key: string, state: S) => void;
};

/**
 * A projection whose events, states and views its caller only passes through (runner, read model, registry): the
 * fold step and the key lookup closed over the typed projection (see storedProjection), so its caller cannot hand
 * the typed code an event or a state it was not written for.
 */
export type StoredProjection = {
  readonly name: string;
  /** Bumping it makes the runner rebuild the projection. */
  readonly version: number;
  readonly handles: readonly EventType[];
  /** The entity keys the event touches; [] for an event the projection does not handle. */
  readonly keysOf: (projected: ProjectedEvent) => readonly string[];
  /** The one fold step (evolveEntities) over the projection. */
  readonly evolveEntities: (states: EntityStates<unknown>, projected: ProjectedEvent, holds?: (key: string) => boolean) => void;
  /** The public row of a state; null while nothing is known. */
  readonly view: (state: unknown) => unknown;
};
