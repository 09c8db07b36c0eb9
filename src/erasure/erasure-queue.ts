import * as E from 'fp-ts/lib/Either.js';
import { describeEventStoreError } from '../store/event-store-error.js';
import type { EraseDeps } from './erase-contact.js';
import { eraseContact } from './erase-contact.js';

type ErasureLog = {
  info: (fields: object, message: string) => void;
  error: (fields: object, message: string) => void;
};

export type ErasureQueue = {
  /** Queues the erasure of a contact; erasures run one at a time, in the order asked. */
  readonly enqueue: (key: string, reason: string) => void;
  /** Settles once every queued erasure has run. */
  readonly drain: () => Promise<void>;
};

/** Erasures the service starts by itself (ERASE_ON_CONTACT_DELETED), after the delivery that asked was answered. */
export const erasureQueue = (deps: EraseDeps, log: ErasureLog): ErasureQueue => {
  let tail: Promise<void> = Promise.resolve();
  const run = async (key: string, reason: string) => {
    try {
      const erased = await eraseContact(deps, key, reason);
      if (E.isLeft(erased)) log.error({ contact: key, reason: describeEventStoreError(erased.left) }, 'erasure failed; it runs again with the next deletion or a forget');
      else if (erased.right !== undefined) log.info({ contact: key, erasure_id: erased.right.erasure.erasure_id, events: erased.right.erasure.events_rewritten }, 'contact erased');
    } catch (error) {
      log.error({ contact: key, err: error }, 'erasure failed');
    }
  };
  return {
    enqueue: (key, reason) => {
      tail = tail.then(() => run(key, reason));
    },
    drain: () => tail,
  };
};
