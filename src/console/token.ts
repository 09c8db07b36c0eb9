/**
 * The API token of this browser session. Each tab keeps it in its sessionStorage (this origin only, never in a URL);
 * the console's tabs share it over a same-origin BroadcastChannel: a new tab asks, a signed-in tab answers, and a
 * sign-in or a sign-out in one tab is one in every tab. No other origin can read either.
 */
const KEY = 'skylight-console-token';

type SessionMessage = { readonly kind: 'ask' } | { readonly kind: 'token'; readonly token: string } | { readonly kind: 'sign-out' };

const channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel('skylight-console-session');

const sessionMessage = (data: unknown): SessionMessage | undefined => {
  if (typeof data !== 'object' || data === null || !('kind' in data)) return undefined;
  if (data.kind === 'ask' || data.kind === 'sign-out') return { kind: data.kind };
  if (data.kind === 'token' && 'token' in data && typeof data.token === 'string') return { kind: 'token', token: data.token };
  return undefined;
};

export const storedToken = (): string | undefined => sessionStorage.getItem(KEY) ?? undefined;

/** Keeps the token in this tab and signs in the console's other tabs. */
export const signIn = (token: string): void => {
  sessionStorage.setItem(KEY, token);
  channel?.postMessage({ kind: 'token', token } satisfies SessionMessage);
};

/** Forgets the token here and in the console's other tabs. */
export const signOut = (): void => {
  sessionStorage.removeItem(KEY);
  channel?.postMessage({ kind: 'sign-out' } satisfies SessionMessage);
};

/**
 * Joins the tabs' session: answers a new tab's ask while signed in, takes up another tab's sign-in or sign-out
 * (`changed` is told which), and asks once for a token when this tab has none. Returns the way to leave.
 */
export const joinSession = (changed: (signedIn: boolean) => void): (() => void) => {
  if (channel === undefined) return () => undefined;
  const listen = (event: MessageEvent<unknown>) => {
    const message = sessionMessage(event.data);
    const token = storedToken();
    if (message?.kind === 'ask' && token !== undefined) channel.postMessage({ kind: 'token', token } satisfies SessionMessage);
    if (message?.kind === 'token' && message.token !== token) {
      sessionStorage.setItem(KEY, message.token);
      changed(true);
    }
    if (message?.kind === 'sign-out' && token !== undefined) {
      sessionStorage.removeItem(KEY);
      changed(false);
    }
  };
  channel.addEventListener('message', listen);
  if (storedToken() === undefined) channel.postMessage({ kind: 'ask' } satisfies SessionMessage);
  return () => channel.removeEventListener('message', listen);
};
