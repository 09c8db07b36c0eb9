import * as E from 'fp-ts/lib/Either.js';
import type { ReadModel } from '../read-model/read-model.js';
import { removeStaleSpillDirectories } from '../runner/spill-files.js';
import type { EventStoreError } from '../store/event-store-error.js';
import { forgetContact, type ForgetDeps, type ForgetOutcome } from './forget-contact.js';

export type EraseDeps = ForgetDeps & {
  readonly readModel: ReadModel;
  /** Resolves true once the read model has applied the log up to this position (the contact.forgotten event). */
  readonly applied: (position: number) => Promise<boolean>;
};

type Erasure = ForgetOutcome & {
  /** The read model applied the forget and its file was purged; false: run the forget again to purge it. */
  readonly read_model_purged: boolean;
};

/** The whole erasure of one contact: the log (forgetContact), then the read model once it has applied the forget. */
export const eraseContact = async (deps: EraseDeps, key: string, reason: string): Promise<E.Either<EventStoreError, Erasure | undefined>> => {
  const forgotten = await forgetContact(deps, key, reason);
  if (E.isLeft(forgotten) || forgotten.right === undefined) return forgotten as E.Either<EventStoreError, undefined>;
  const applied = await deps.applied(forgotten.right.position);
  // A rebuild killed mid-fold left its spill files (upcast events, personal data among them) beside the read model.
  removeStaleSpillDirectories(deps.readModel.spillDir);
  return E.right({ ...forgotten.right, read_model_purged: applied && (await deps.readModel.purge()) });
};
