import * as E from 'fp-ts/lib/Either.js';
import { entityKey } from '../events/entity-id.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { OpenedStore } from '../store/event-store.js';
import { readErasureLog } from './erasure-record.js';

/**
 * The contacts whose forget was interrupted (a restart, a kill): marked erased in the store, which a forget does
 * first, but with no erasure recorded as completed, which it does last. A server runs them again as it starts.
 */
export const interruptedErasures = async (store: OpenedStore): Promise<E.Either<EventStoreError, string[]>> => {
  const marks = await store.erasureMarks();
  if (E.isLeft(marks)) return marks;
  const log = await readErasureLog(store);
  if (E.isLeft(log)) return log;
  const completed = new Set(log.right.flatMap((entry) => (entry.kind === 'erased' ? [entityKey(entry.record.contact_id)] : [])));
  return E.right(Object.keys(marks.right).filter((key) => !completed.has(key)));
};
