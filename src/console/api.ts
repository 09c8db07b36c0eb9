import { storedToken } from './token';

/** Why a request to the API gave no data; each kind has its own message in the console. */
export type ApiFailure =
  | { readonly kind: 'unauthorized' }
  | { readonly kind: 'not_found'; readonly detail: string }
  | { readonly kind: 'unavailable'; readonly detail: string }
  | { readonly kind: 'busy'; readonly detail: string; readonly retryAfterSeconds: number | undefined }
  | { readonly kind: 'unreachable'; readonly detail: string }
  | { readonly kind: 'failed'; readonly status: number; readonly detail: string };

export class ApiError extends Error {
  constructor(readonly failure: ApiFailure) {
    super('detail' in failure ? failure.detail : failure.kind);
  }
}

const unauthorizedListeners = new Set<() => void>();

/** The app shows the sign-in page whenever the API refuses the token (or asks for one). */
export const onUnauthorized = (listener: () => void): (() => void) => {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
};

const headers = (token: string | undefined): HeadersInit => (token === undefined ? {} : { authorization: `Bearer ${token}` });

const problemDetail = async (response: Response): Promise<string> => {
  try {
    const problem = (await response.json()) as { title?: string; detail?: string };
    return [problem.title, problem.detail].filter(Boolean).join(': ') || response.statusText;
  } catch {
    return response.statusText;
  }
};

/** The seconds a 429 asks to wait (`Retry-After`), when it names them. */
const retryAfter = (response: Response): number | undefined => {
  const seconds = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
};

/** One request to the API with the stored token; `accept` lists the statuses that carry data (e.g. 410 for a tombstone). */
export const request = async (path: string, init: RequestInit & { accept?: readonly number[]; token?: string } = {}): Promise<Response> => {
  const { accept = [200], token = storedToken(), ...rest } = init;
  let response: Response;
  try {
    response = await fetch(path, { ...rest, headers: { ...headers(token), ...rest.headers } });
  } catch (error) {
    throw new ApiError({ kind: 'unreachable', detail: error instanceof Error ? error.message : String(error) });
  }
  if (accept.includes(response.status)) return response;
  if (response.status === 401) {
    // A refusal of a token this tab no longer holds (another tab signed it in meanwhile) asks for nothing.
    if (init.token === undefined && token === storedToken()) for (const listener of unauthorizedListeners) listener();
    throw new ApiError({ kind: 'unauthorized' });
  }
  const detail = await problemDetail(response);
  if (response.status === 404) throw new ApiError({ kind: 'not_found', detail });
  if (response.status === 503) throw new ApiError({ kind: 'unavailable', detail });
  if (response.status === 429) throw new ApiError({ kind: 'busy', detail, retryAfterSeconds: retryAfter(response) });
  throw new ApiError({ kind: 'failed', status: response.status, detail });
};

export const getJson = async <T>(path: string, accept: readonly number[] = [200]): Promise<T> =>
  (await (await request(path, { accept })).json()) as T;

export const postJson = async <T>(path: string, accept: readonly number[] = [200]): Promise<T> =>
  (await (await request(path, { method: 'POST', accept })).json()) as T;

/** Builds `path?query`, leaving out empty parameters. */
export const withQuery = (path: string, query: Readonly<Record<string, string | undefined>>): string => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, value);
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
};
