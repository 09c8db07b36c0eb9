/** The API token, kept for this browser tab only (sessionStorage): asked for once, gone when the tab closes. */
const KEY = 'skylight-console-token';

export const storedToken = (): string | undefined => sessionStorage.getItem(KEY) ?? undefined;
export const storeToken = (token: string): void => sessionStorage.setItem(KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(KEY);
