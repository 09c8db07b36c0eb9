import type * as E from 'fp-ts/lib/Either.js';
import type { EventStoreError } from '../store/event-store-error.js';
import type { AppendResult } from '../store/event-store.js';

/** Told how long each append took and how it ended (metrics, readiness), and of each failed one. */
export type AppendObserver = {
  readonly append: (seconds: number, result: E.Either<EventStoreError, AppendResult>) => void;
  readonly storeError: (operation: 'append', kind: EventStoreError['kind']) => void;
};
