/** The failures a caller of the store is expected to handle. Anything else is a bug and is thrown. */
export type EventStoreError =
  | { readonly kind: 'wrong_expected_revision'; readonly stream: string; readonly expected: string; readonly actual: string }
  | { readonly kind: 'stream_not_found'; readonly stream: string }
  /** Hard-deleted (tombstoned) in EventStoreDB: it can never be written again. */
  | { readonly kind: 'stream_deleted'; readonly stream: string }
  | { readonly kind: 'store_unavailable'; readonly reason: string }
  /** The server's own limit on an append (EventStoreDB MaxAppendSize) is below what intake keeps events within. */
  | { readonly kind: 'event_too_large'; readonly stream: string; readonly limit: number };

/** Thrown from iterations (readAll, a subscription), where an error cannot be returned as a value, and only there. */
export class EventStoreFailure extends Error {
  constructor(readonly error: EventStoreError) {
    super(describeEventStoreError(error));
    this.name = 'EventStoreFailure';
  }
}

export const describeEventStoreError = (error: EventStoreError): string => {
  switch (error.kind) {
    case 'wrong_expected_revision':
      return `stream ${error.stream}: expected revision ${error.expected}, found ${error.actual}`;
    case 'stream_not_found':
      return `stream ${error.stream} does not exist`;
    case 'stream_deleted':
      return `stream ${error.stream} was deleted for good (tombstoned) and takes no more events`;
    case 'store_unavailable':
      return `event store unavailable: ${error.reason}`;
    case 'event_too_large':
      return `the event store refused an append to ${error.stream} over its limit of ${error.limit} bytes (MaxAppendSize must be at least 1 MiB)`;
  }
};

/** The stream's last revision (`actual`, or 'no_stream' when it has none) is not the one an append expected. */
export const wrongExpectedRevision = (stream: string, expected: string | number, actual: string | number | bigint): EventStoreError => ({
  kind: 'wrong_expected_revision',
  stream,
  expected: String(expected),
  actual: String(actual),
});

export const storeUnavailable = (reason: string): EventStoreError => ({ kind: 'store_unavailable', reason });
