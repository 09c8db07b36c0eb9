import type { DomainEventOf, EventType } from '../src/events/domain-event.js';

/** Where and how an event came into the log: what the delivery log shows of it. */
export type Arrival = {
  readonly stream: string;
  readonly revision: number;
  readonly position: number;
  /** The delivery attempt that brought it (from its metadata); null for the engine's own events. */
  readonly delivery_id: string | null;
  /** When intake received it; when the store committed it, for an event written without that. */
  readonly received_at: string;
};

/** An event as a projection sees it: the canonical domain event and its store id (the deterministic tie-break). */
export type ProjectedEvent<T extends EventType = EventType> = {
  readonly id: string;
  /** The business time (`occurred_at`) in microseconds, `micros` of last-writer-wins: read once, for every projection. */
  readonly micros: number;
  readonly event: DomainEventOf<T>;
  readonly arrival: Arrival;
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
