import type { StoredProjection } from '../../projections/projection.js';
import { readModelEntries } from '../read-model/read-model-catalog.js';
import type { ReadModelDb } from '../read-model/read-model-db.js';
import type { ProjectionTarget } from './apply-batch.js';

/**
 * The live tables the running code may write: a table built by another version of its projection is left alone
 * (it keeps serving, unchanged, until the rebuild for the new version swaps in).
 */
export const liveTargets = (db: ReadModelDb, projections: readonly StoredProjection[]): ProjectionTarget[] => {
  const entries = readModelEntries(db);
  return projections.flatMap((projection) => {
    const entry = entries.get(projection.name);
    return entry === undefined || entry.version !== projection.version
      ? []
      : [{ projection, tableName: entry.table_name, position: entry.position }];
  });
};

/** Projections whose live table was built by a different version than the code's: they need a rebuild. */
export const outdatedProjections = (db: ReadModelDb, projections: readonly StoredProjection[]): StoredProjection[] => {
  const entries = readModelEntries(db);
  return projections.filter((projection) => {
    const entry = entries.get(projection.name);
    return entry !== undefined && entry.version !== projection.version;
  });
};
