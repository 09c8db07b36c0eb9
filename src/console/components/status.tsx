import type { ApiFailure } from '../api';
import type { Loaded } from '../use-api';
import type { ComponentChildren } from 'preact';

const message = (failure: ApiFailure): string => {
  switch (failure.kind) {
    case 'unauthorized':
      return 'The server asks for a valid API token.';
    case 'not_found':
      // The detail already starts with the problem's title ("Not found: no contact 42").
      return `${failure.detail}.`;
    case 'unavailable':
      return `The event store is unavailable right now; the server says: ${failure.detail}.`;
    case 'busy':
      return `The server is busy and turned this request away (${failure.detail})${failure.retryAfterSeconds === undefined ? '' : `; it asks to wait ${failure.retryAfterSeconds} s`}.`;
    case 'unreachable':
      return `The server cannot be reached (${failure.detail}). Is it running?`;
    case 'failed':
      return `The server answered ${failure.status}: ${failure.detail}`;
  }
};

/** Failures that pass: the same request may well succeed in a moment. */
const passing = (failure: ApiFailure): boolean => failure.kind === 'busy' || failure.kind === 'unavailable' || failure.kind === 'unreachable';

/** A banner for a failed request: what happened in words, never a stack trace; a retry where one may succeed. */
export const FailureBanner = ({ failure, onRetry }: { failure: ApiFailure; onRetry?: () => void }) => (
  <div class={failure.kind === 'not_found' ? 'banner notice' : 'banner error'} role="alert">
    {message(failure)}
    {onRetry !== undefined && passing(failure) && (
      <>
        {' '}
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      </>
    )}
  </div>
);

/** Loading, failure (with a retry) or the content built from the data. */
export const Show = <T,>({ loaded, children }: { loaded: Loaded<T> & { readonly reload: () => void }; children: (data: T) => ComponentChildren }) => {
  if (loaded.state === 'loading') return <p class="loading" aria-busy="true">Loading…</p>;
  if (loaded.state === 'failed') return <FailureBanner failure={loaded.failure} onRetry={loaded.reload} />;
  return <>{children(loaded.data)}</>;
};

export const Empty = ({ children }: { children: ComponentChildren }) => <p class="empty">{children}</p>;

export const Badge = ({ kind, children }: { kind: string; children: ComponentChildren }) => <span class={`badge badge-${kind}`}>{children}</span>;
