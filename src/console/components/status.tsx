import type { ApiFailure } from '../api';
import type { Loaded } from '../use-api';
import type { ComponentChildren } from 'preact';

const message = (failure: ApiFailure): string => {
  switch (failure.kind) {
    case 'unauthorized':
      return 'The server asks for a valid API token.';
    case 'not_found':
      return `Not found. ${failure.detail}`;
    case 'unavailable':
      return `The event store is unavailable right now; the server says: ${failure.detail}. The console retries when you reload or come back.`;
    case 'unreachable':
      return `The server cannot be reached (${failure.detail}). Is it running?`;
    case 'failed':
      return `The server answered ${failure.status}: ${failure.detail}`;
  }
};

/** A banner for a failed request: what happened in words, never a stack trace. */
export const FailureBanner = ({ failure }: { failure: ApiFailure }) => (
  <div class={failure.kind === 'not_found' ? 'banner notice' : 'banner error'} role="alert">
    {message(failure)}
  </div>
);

/** Loading, failure or the content built from the data. */
export const Show = <T,>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) => {
  if (loaded.state === 'loading') return <p class="loading" aria-busy="true">Loading…</p>;
  if (loaded.state === 'failed') return <FailureBanner failure={loaded.failure} />;
  return <>{children(loaded.data)}</>;
};

export const Empty = ({ children }: { children: ComponentChildren }) => <p class="empty">{children}</p>;

export const Badge = ({ kind, children }: { kind: string; children: ComponentChildren }) => <span class={`badge badge-${kind}`}>{children}</span>;
