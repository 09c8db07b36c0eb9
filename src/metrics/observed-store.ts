import * as E from 'fp-ts/lib/Either.js';
import { EventStoreFailure, type EventStoreError } from '../store/event-store-error.js';
import type { OpenedStore, RecordedEvent, Subscription } from '../store/event-store.js';
import type { ServiceMetrics } from './service-metrics.js';

export type ObservedStore = {
  readonly store: OpenedStore;
  /** Why the last append failed, until an append or a write probe succeeds again. */
  readonly appendFailure: () => { readonly reason: string } | undefined;
  /** A successful write probe clears the append failure: the store takes writes again. */
  readonly writesRecovered: () => void;
};

/**
 * The event store as the service uses it, timed and counted: append latency, errors by operation and kind, and
 * whether the last append was refused (what readiness reports). Intake, on the path of every delivery, appends to the
 * store itself and tells the metrics the same (`appendDelivery`).
 */
export const observeStore = (store: OpenedStore, metrics: Pick<ServiceMetrics, 'storeError' | 'append'>): OpenedStore => {
  const counted = <A>(operation: string, result: E.Either<EventStoreError, A>): E.Either<EventStoreError, A> => {
    if (E.isLeft(result)) metrics.storeError(operation, result.left.kind);
    return result;
  };
  const countedIteration = async function* (operation: string, events: AsyncIterable<RecordedEvent>): AsyncGenerator<RecordedEvent> {
    try {
      yield* events;
    } catch (error) {
      if (error instanceof EventStoreFailure) metrics.storeError(operation, error.error.kind);
      throw error;
    }
  };
  return {
    kind: store.kind,
    eventsBetween: (from, to) => store.eventsBetween(from, to),
    append: async (stream, events, expectedRevision) => {
      const started = performance.now();
      const result = await store.append(stream, events, expectedRevision);
      metrics.append((performance.now() - started) / 1000, result);
      return counted('append', result);
    },
    readStream: async (stream, options) => counted('read_stream', await store.readStream(stream, options)),
    readAll: (options) => countedIteration('read_all', store.readAll(options)),
    subscribe: (options): Subscription => {
      const subscription = store.subscribe(options);
      const events = countedIteration('subscribe', subscription);
      return { [Symbol.asyncIterator]: () => events, close: () => subscription.close() };
    },
    headPosition: async () => counted('head_position', await store.headPosition()),
    probeWrites: async () => counted('probe_writes', await store.probeWrites()),
    markErased: async (subject, streams) => counted('mark_erased', await store.markErased(subject, streams)),
    liftErased: async (subject) => counted('lift_erased', await store.liftErased(subject)),
    erasureMarks: async () => counted('erasure_marks', await store.erasureMarks()),
    rewriteEvents: async (stream, rewrites) => counted('rewrite_events', await store.rewriteEvents(stream, rewrites)),
    purgeRewritten: async () => counted('purge_rewritten', await store.purgeRewritten()),
    close: () => store.close(),
  };
};

/** The store as the service's routes use it: observed, with what readiness reports of its appends. */
export const observedStore = (store: OpenedStore, metrics: ServiceMetrics): ObservedStore => ({
  store: observeStore(store, metrics),
  appendFailure: metrics.appendFailure,
  writesRecovered: metrics.writesRecovered,
});
