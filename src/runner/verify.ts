import { readModelEntries } from '../read-model/read-model-catalog.js';
import { catchUp } from './catch-up.js';
import { bulkFold } from './bulk-fold.js';
import { atLeast, eventsBetween } from './log-lag.js';
import type { ReadModelJob } from './read-model-job.js';
import { createScratchTables, dropScratchTable } from './rebuild.js';

export type ViewDifference = { readonly key: string; readonly live: unknown; readonly rebuilt: unknown };

export type ProjectionVerdict = {
  readonly projection: string;
  readonly live_position: number;
  readonly rebuilt_position: number;
  readonly differences: number;
  /** The first few, for the report. */
  readonly examples: readonly ViewDifference[];
};

export type Verification = { readonly matches: boolean; readonly position: number; readonly projections: readonly ProjectionVerdict[] };

const EXAMPLES = 10;

/**
 * Rebuilds every projection into scratch tables up to the position the live read model has reached, and compares
 * the two view by view. The live view of an event-sourced system must equal a clean rebuild of its log: any
 * difference is a bug in a projection (or in the runner) and is reported with examples.
 */
export const verifyReadModel = async (options: ReadModelJob): Promise<Verification> => {
  const { db, projections } = options;
  const now = options.now ?? (() => new Date());
  const { position } = await catchUp({ store: options.store, db, projections, now });
  const scratch = createScratchTables(db, projections, 'verify', now().toISOString());
  try {
    const { targets } = await bulkFold({
      store: options.store,
      db,
      targets: scratch,
      until: position,
      now,
      onProgress: (done) => options.onProgress?.(done, atLeast(done, eventsBetween(options.store, 0, position))),
    });
    const live = readModelEntries(db);
    const verdicts = targets.map((target): ProjectionVerdict => {
      const entry = live.get(target.projection.name);
      const liveTable = entry?.table_name ?? target.tableName;
      // Views are deterministic JSON text (fields in a fixed order), so text equality is view equality.
      const differing = db
        .prepare<[], { key: string; live: string | null; rebuilt: string | null }>(
          `SELECT coalesce(l.key, r.key) AS key, l.view AS live, r.view AS rebuilt
           FROM ${liveTable} l FULL OUTER JOIN ${target.tableName} r ON l.key = r.key
           WHERE l.view IS NOT r.view ORDER BY coalesce(l.sort_key, r.sort_key)`,
        )
        .all();
      return {
        projection: target.projection.name,
        live_position: entry?.position ?? 0,
        rebuilt_position: target.position,
        differences: differing.length,
        examples: differing.slice(0, EXAMPLES).map((row) => ({
          key: row.key,
          live: row.live === null ? null : JSON.parse(row.live),
          rebuilt: row.rebuilt === null ? null : JSON.parse(row.rebuilt),
        })),
      };
    });
    return { matches: verdicts.every((v) => v.differences === 0), position, projections: verdicts };
  } finally {
    for (const target of scratch) dropScratchTable(db, target.tableName);
  }
};
