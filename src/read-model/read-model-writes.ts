import type { UnprojectableEvent } from '../runner/fold-events.js';
import type { ProjectionTarget } from './read-model-catalog.js';

/** One entity's state; the adapter stores it with the row its projection's view makes of it. */
export type StateRow = { readonly key: string; readonly state: unknown };

/**
 * A state as its row stores it, checked to be the projection's (`isState`, a look at its shape) where it enters the
 * fold: the fold step trusts the states it is given. A row of another shape is a bug (one table per projection name
 * and version), so it throws.
 */
export const storedState = (target: ProjectionTarget, key: string, text: string): unknown => {
  const state: unknown = JSON.parse(text);
  if (!target.projection.isState(state)) throw new Error(`the row ${key} of ${target.tableName} does not hold a ${target.projection.name} state`);
  return state;
};

/**
 * What a row's `state` column holds when the state is its own view (the same object: most of the delivery log's rows,
 * a million at a million events): the view column alone holds it, stored once. No JSON text is empty.
 */
export const STATE_IS_VIEW = '';

/** A row's state and view as the columns store them: JSON text, the state once where it is its view. */
export const storedText = (state: unknown, view: unknown): { readonly state: string; readonly view: string | null } => {
  if (view === null) return { state: JSON.stringify(state), view: null };
  const viewText = JSON.stringify(view);
  return { state: view === state ? STATE_IS_VIEW : JSON.stringify(state), view: viewText };
};

/** SQL for the state a row stores, in either store: its state column, or its view where that is its state. */
export const STATE_SQL = `CASE WHEN state = '${STATE_IS_VIEW}' THEN view ELSE state END`;

/** What a fold changed in one target, and where its checkpoint moves. */
export type TargetRows = { readonly target: ProjectionTarget; readonly rows: readonly StateRow[]; readonly to: number };

/**
 * The write side of the read model: what a fold needs of its tables. Asynchronous, so that a store across the network
 * (PostgreSQL) is one more adapter, not another shape.
 */
export type ReadModelWrites = {
  /** The stored states of these keys (each read with `storedState`); a key with none yet is absent. */
  readonly loadStates: (target: ProjectionTarget, keys: readonly string[]) => Promise<ReadonlyMap<string, unknown>>;
  /**
   * Every row, the events that could not be projected, and each target's checkpoint moved to its `to` by
   * compare-and-set on the position the target holds, in ONE transaction: a crash never double-applies or skips, and
   * two writers never both advance one checkpoint (CheckpointMoved, nothing written). Returns the advanced targets.
   */
  readonly commit: (tables: readonly TargetRows[], skipped: readonly UnprojectableEvent[], now: string) => Promise<ProjectionTarget[]>;
  /**
   * Rows into a table nobody reads yet (a rebuild's scratch table), known not to be there, a chunk per transaction
   * so that a live writer sharing the store is never held up long; its checkpoint moves later, by commit.
   */
  readonly fill: (target: ProjectionTarget, states: ReadonlyMap<string, unknown>, signal?: AbortSignal) => Promise<void>;
};
