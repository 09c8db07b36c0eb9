import * as E from 'fp-ts/lib/Either.js';
import { storeUnavailable, type EventStoreError } from './event-store-error.js';

/** SQLite error codes that mean "the store cannot take writes now" rather than a bug. */
const UNAVAILABLE_CODES = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN|PROTOCOL|NOMEM|CORRUPT|NOTADB)/;

export const unavailableReason = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && UNAVAILABLE_CODES.test(code) ? code : undefined;
};

/** An expected failure of the file (busy, full, read-only) as a value; anything else is a bug and throws. */
export const answered = <A>(closed: boolean, work: () => A): E.Either<EventStoreError, A> => {
  if (closed) return E.left(storeUnavailable('store closed'));
  try {
    return E.right(work());
  } catch (error) {
    const reason = unavailableReason(error);
    if (reason === undefined) throw error;
    return E.left(storeUnavailable(reason));
  }
};
