import type { Projection } from '../../projections/projection.js';

/** Which table serves a projection, built by which version, and how far into the log it has applied. */
export type ReadModelEntry = {
  readonly name: string;
  readonly version: number;
  readonly table_name: string;
  readonly position: number;
  readonly updated_at: string;
};

/**
 * A projection's table and the checkpoint it is at: `live` serves queries, `scratch` is being filled beside it by a
 * rebuild or a verify and is read by nobody yet.
 */
export type ProjectionTarget = {
  readonly projection: Projection;
  readonly tableName: string;
  readonly position: number;
  readonly kind: 'live' | 'scratch';
};

export type ScratchPurpose = 'rebuild' | 'verify';

/** The version of a table no code built: a projection added beside others that have applied the log, to be rebuilt. */
export const UNBUILT_VERSION = 0;

export type ViewDifference = { readonly key: string; readonly live: unknown; readonly rebuilt: unknown };

/** The views two tables differ in, as a store reads them (JSON text, null where a table has no row): the report. */
export const viewDifferences = (
  livePosition: number,
  rows: readonly { readonly key: string; readonly live: string | null; readonly rebuilt: string | null }[],
  examples: number,
) => ({
  livePosition,
  count: rows.length,
  examples: rows.slice(0, examples).map(
    (row): ViewDifference => ({
      key: row.key,
      live: row.live === null ? null : JSON.parse(row.live),
      rebuilt: row.rebuilt === null ? null : JSON.parse(row.rebuilt),
    }),
  ),
});

/** Another writer moved a checkpoint under us (a rebuild swapped a table in): reload and resume. */
export class CheckpointMoved extends Error {
  constructor(readonly projection: string) {
    super(`checkpoint of ${projection} moved`);
    this.name = 'CheckpointMoved';
  }
}

/** The position every one of `targets` has applied: their lowest checkpoint; with none, nothing is behind. */
export const appliedByAll = (targets: readonly ProjectionTarget[]): number =>
  targets.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...targets.map((t) => t.position));

/**
 * The read model's catalog: which table serves each projection, which are being filled beside them (generations),
 * how far each has applied, and which log they were built from. Every table name and checkpoint is the adapter's to
 * decide; the rest of the code holds targets and advances them (ReadModelWrites.commit).
 */
export type ReadModelCatalog = {
  /**
   * Makes sure each projection has a table. One seen for the first time starts empty at position 0, live when no
   * projection has applied the log yet, else as UNBUILT_VERSION, left to the rebuild like one whose version changed:
   * the rebuild fills a new table beside the live one and swaps it in.
   */
  readonly ensure: (projections: readonly Projection[], now: string) => Promise<void>;
  readonly entries: () => Promise<ReadModelEntry[]>;
  /** The live tables the running code may write: a table built by another version of its projection is left alone. */
  readonly liveTargets: (projections: readonly Projection[]) => Promise<ProjectionTarget[]>;
  /**
   * Projections whose live table was built by another version than the code's: they need a rebuild. On a database
   * several nodes share, only an older one: a newer table is the newer nodes' during a rolling upgrade.
   */
  readonly outdated: (projections: readonly Projection[]) => Promise<Projection[]>;
  /** Fresh tables beside the live ones at position 0; what an interrupted run left for the same purpose is dropped. */
  readonly createScratch: (projections: readonly Projection[], purpose: ScratchPurpose, now: string) => Promise<ProjectionTarget[]>;
  readonly dropScratch: (targets: readonly ProjectionTarget[]) => Promise<void>;
  /** Puts rebuilt tables in service in one transaction; the old ones go. Readers see the old or the new, never half. */
  readonly swapIn: (targets: readonly ProjectionTarget[], now: string) => Promise<ProjectionTarget[]>;
  /** How many of a scratch table's views differ from the live table's, the first few, and the live checkpoint. */
  readonly differingViews: (
    scratch: ProjectionTarget,
    examples: number,
  ) => Promise<{ readonly livePosition: number; readonly count: number; readonly examples: ViewDifference[] }>;
  /** Which event log the checkpoints are positions of; undefined before the first claim. */
  readonly logIdentity: () => Promise<string | undefined>;
  readonly recordLogIdentity: (identity: string, now: string) => Promise<void>;
  /** The furthest any live table or rebuild in progress has applied the log. */
  readonly highestCheckpoint: () => Promise<number>;
  /** Drops every projected table, rebuild, skipped-event note and the identity: the read model is empty again. */
  readonly forgetAll: () => Promise<void>;
  /** Events the projections could not use, counted by type. */
  readonly skippedByType: () => Promise<Record<string, number>>;
};
