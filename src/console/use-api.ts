import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, type ApiFailure } from './api';

export type Loaded<T> =
  | { readonly state: 'loading' }
  | { readonly state: 'ready'; readonly data: T }
  | { readonly state: 'failed'; readonly failure: ApiFailure };

const failureOf = (error: unknown): ApiFailure =>
  error instanceof ApiError ? error.failure : { kind: 'failed', status: 0, detail: error instanceof Error ? error.message : String(error) };

/**
 * Loads `load()` whenever `key` changes; with `everyMs`, again at that interval without showing "loading" (the
 * last data stays on screen until the next answer). An answer to an older key is dropped.
 */
export const useApi = <T>(key: string | null, load: () => Promise<T>, everyMs?: number): Loaded<T> & { reload: () => void } => {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const loadedKey = useRef(key);
  useEffect(() => {
    if (key === null) return;
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchOnce = () =>
      load().then(
        (data) => current && setLoaded({ state: 'ready', data }),
        (error: unknown) => current && setLoaded({ state: 'failed', failure: failureOf(error) }),
      );
    const poll = async () => {
      await fetchOnce();
      if (current && everyMs !== undefined) timer = setTimeout(() => void poll(), everyMs);
    };
    // A new key shows "loading", and so does a retry after a failure; a reload of data on screen keeps it until the answer.
    const keyChanged = loadedKey.current !== key;
    loadedKey.current = key;
    setLoaded((shown) => (keyChanged || shown.state === 'failed' ? { state: 'loading' } : shown));
    void poll();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [key, round]);
  return { ...loaded, reload: () => setRound((r) => r + 1) };
};
