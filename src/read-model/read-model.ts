import type { ReadModelCatalog } from './read-model-catalog.js';
import type { ReadModelQueries } from './read-model-queries.js';
import type { ReadModelWrites } from './read-model-writes.js';
import type { WriterLease } from './writer-lease.js';

/**
 * The read model: the projections' tables and their checkpoints, behind one port of three parts, each a promise so
 * that an embedded file and a database across the network are two adapters of the same shape.
 */
export type ReadModel = {
  /** Where it is, for logs and erasure records (the file; a database's address without its password). */
  readonly location: string;
  /** Where a long fold may spill to disk: beside the file, so that its bytes live (and are erased) with it. */
  readonly spillDir: string;
  readonly catalog: ReadModelCatalog;
  readonly writes: ReadModelWrites;
  readonly queries: ReadModelQueries;
  /** A lease for one applier of the log to the live tables (the live loop, a CLI catch-up): see writer-lease.ts. */
  readonly writerLease: () => WriterLease;
  /**
   * After an erasure was applied: nothing the projections replaced stays recoverable from the store's files.
   * False when it could not be made sure of now (another connection held the WAL): run the forget again.
   */
  readonly purge: () => Promise<boolean>;
  readonly close: () => Promise<void>;
};
