import {
  DeadlineExceededError,
  ErrorType,
  convertToCommandError,
  isCommandError,
  type EventStoreDBClient,
  type StreamingRead,
} from '@eventstore/db-client';
import { storeUnavailable, type EventStoreError } from './event-store-error.js';

/** The part of the EventStoreDB client the adapter uses (a test double can stand in for it). */
export type EventStoreDbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'setStreamMetadata' | 'dispose'
>;

export const ignore = (): void => undefined;

/** Rejects with the client's own DeadlineExceededError, so a hung call is classified like a gRPC deadline. */
export const withDeadline = <A>(work: Promise<A>, ms: number, what: string): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new DeadlineExceededError(undefined, `${what}: no answer within ${ms} ms`)),
      ms,
    );
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });

/**
 * Iterates a client read. The client gives reads no deadline at all, so each wait for the next event is bounded by
 * `idleMs`: a dead server fails the read, a long but flowing read does not.
 */
export async function* readWithDeadline<E>(read: StreamingRead<E>, idleMs: number): AsyncGenerator<E> {
  // The client emits 'error' itself, also after we stopped listening; without a listener that would crash the process.
  read.on('error', ignore);
  const events = read[Symbol.asyncIterator]();
  try {
    for (;;) {
      const step = await withDeadline(events.next(), idleMs, 'read');
      if (step.done === true) return;
      yield step.value;
    }
  } finally {
    read.destroy();
    // Ends the gRPC call when we stop early; a no-op on a finished one.
    read.cancel().catch(ignore);
  }
}

const CONNECTION_FAILURES: ReadonlySet<ErrorType> = new Set([
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
]);
const NETWORK_CODES: ReadonlySet<unknown> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** A batch append the server did not handle (starting up, overloaded, electing a leader) arrives as UnknownError. */
const NOT_HANDLED = /Server Is Not Ready|Server Is Busy|No leader info/i;

/**
 * gRPC statuses the client has no class for (it makes them UnknownError, keeping the code) that a restarting or
 * overloaded server produces: RESOURCE_EXHAUSTED, and INTERNAL "Received RST_STREAM" when the server's HTTP/2
 * connection is torn down mid-call. Other INTERNAL errors are not transient and stay bugs.
 */
const RESOURCE_EXHAUSTED = 8;
const INTERNAL = 13;
const transientStatus = (error: Error): boolean => {
  const code = (error as { code?: unknown }).code;
  return code === RESOURCE_EXHAUSTED || (code === INTERNAL && /RST_STREAM/i.test(error.message));
};

const shortReason = (kind: string, error: Error): string =>
  `${kind}: ${(error.message.split('\n')[0] ?? '').slice(0, 160)}`;

/**
 * The store_unavailable error for a failure that says "the server cannot be reached or cannot answer now", else
 * undefined (the caller rethrows: anything else is a bug). The reason carries the client's message, which names the
 * failure and the endpoint, never event data.
 */
export const storeUnavailableFrom = (error: unknown): EventStoreError | undefined => {
  if (!(error instanceof Error)) return undefined;
  // Some calls (the server-features probe before an append) reject with the raw gRPC error.
  const converted = convertToCommandError(error);
  if (isCommandError(converted)) {
    const transient =
      CONNECTION_FAILURES.has(converted.type) ||
      (converted.type === ErrorType.UNKNOWN && (NOT_HANDLED.test(converted.message) || transientStatus(converted)));
    return transient ? storeUnavailable(shortReason(converted.type, converted)) : undefined;
  }
  // Cluster discovery gives up with a plain Error; sockets fail with Node's error codes.
  if (converted.message.startsWith('Failed to discover')) return storeUnavailable(shortReason('discovery', converted));
  const code = (converted as NodeJS.ErrnoException).code;
  return NETWORK_CODES.has(code) ? storeUnavailable(shortReason(String(code), converted)) : undefined;
};
