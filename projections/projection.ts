import type { DomainEvent, EventType } from '../src/events/domain-event.js';

/** An event as a projection sees it: the canonical domain event and its store id (the deterministic tie-break). */
export type ProjectedEvent = { readonly id: string; readonly event: DomainEvent };

/**
 * A read model as plain data. `S` is stored as JSON between batches, so it holds only JSON values; `evolve` must
 * converge: any arrival order and any duplication of the same events gives the same `view`.
 */
export type Projection<S, V> = {
  readonly name: string;
  /** Bumping it makes the runner rebuild the projection. */
  readonly version: number;
  readonly handles: readonly EventType[];
  /** The entity keys (`entityKey`) an event touches; [] = ignore it. */
  readonly keysOf: (event: DomainEvent) => readonly string[];
  readonly initial: (key: string) => S;
  /** Pure. Returns a new object when the event changes the state, the same one when it changes nothing. */
  readonly evolve: (state: S, event: ProjectedEvent) => S;
  /** The public, JSON-serialisable row; null while nothing is known. */
  readonly view: (state: S) => V | null;
};

/** A projection whose state its caller only stores and hands back to it (runner, read model, registry). */
export type StoredProjection = Projection<unknown, unknown>;

/**
 * Forgets a projection's state and view types. Sound as long as a state is only ever given back to the projection
 * that produced it, which is how the runner uses it (one table per projection name and version).
 */
export const storedProjection = <S, V>(projection: Projection<S, V>): StoredProjection =>
  projection as unknown as StoredProjection;
