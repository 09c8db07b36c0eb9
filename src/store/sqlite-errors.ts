import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, storeUnavailable, type EventStoreError } from './event-store-error.js';

/** Whether the embedded store was closed: read by its appends, reads and maintenance, set once by its close. */
export type Lifecycle = { closed: boolean };

/** SQLite error codes that mean "the store cannot take writes now" rather than a bug. */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN|PROTOCOL|NOMEM|CORRUPT|NOTADB)/;

export const unavailableReason = (error: unknown): string | undefined => {
  const code = error instanceof Error && 'code' in error ? error.code : undefined;
  return typeof code === 'string' && UNAVAILABLE_CODES.test(code) ? code : undefined;
};

/** An expected failure of the file (busy, full, read-only), or a closed store, as a value; anything else is a bug and throws. */
export const answered = <A>(lifecycle: Lifecycle, work: () => A): E.Either<EventStoreError, A> => {
  if (lifecycle.closed) return E.left(storeUnavailable('store closed'));
  try {
    return E.right(work());
  } catch (error) {
    const reason = unavailableReason(error);
    if (reason === undefined) throw error;
    return E.left(storeUnavailable(reason));
  }
};

/** What an iteration throws for what `work` threw: the port's EventStoreFailure when it was expected, else the bug itself. */
export const thrownBy = (error: unknown): unknown => {
  const reason = unavailableReason(error);
  return reason === undefined ? error : new EventStoreFailure(storeUnavailable(reason));
};
