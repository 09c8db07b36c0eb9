import type { Projection } from '../../projections/projection.js';
import type { ReadModel } from '../read-model/read-model.js';
import type { EventStore } from '../store/event-store.js';

/** What every fold of the log into the read model works with: catch-up, rebuild, verify. */
export type ReadModelJob = {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  readonly projections: readonly Projection[];
  readonly now?: () => Date;
  /** `total` only when it is known (see eventsBetween). */
  readonly onProgress?: (done: number, total: number | undefined) => void;
};
