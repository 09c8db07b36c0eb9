import { useState } from 'preact/hooks';
import { ApiError, request } from '../api';
import { signIn } from '../token';
import { useTitle } from '../use-title';

/** Asks for the API token once per browser session; checks it against the API before keeping it. */
export const SignInPage = ({ onSignedIn }: { onSignedIn: () => void }) => {
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [checking, setChecking] = useState(false);
  useTitle('Sign in');
  const submit = async (event: Event) => {
    event.preventDefault();
    const token = new FormData(event.currentTarget as HTMLFormElement).get('token');
    if (typeof token !== 'string' || token.trim() === '') return setProblem('Enter the API token.');
    setChecking(true);
    try {
      await request('/ready', { token: token.trim(), accept: [200, 503] });
      signIn(token.trim());
      onSignedIn();
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.failure.kind === 'unauthorized'
          ? 'Wrong token: the server refused it.'
          : `Could not check the token: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      setChecking(false);
    }
  };
  return (
    <main id="content" class="sign-in">
      <h1>Sign in</h1>
      <p>This server requires its API token (the <code>API_TOKEN</code> it was started with). It is kept for this browser session: the console's other tabs share it (never another site, never a URL) until you sign out, which signs out every tab.</p>
      <form onSubmit={(event) => void submit(event)}>
        <label>
          API token
          <input name="token" type="password" autoComplete="current-password" autoFocus required />
        </label>
        <button type="submit" class="primary" disabled={checking}>
          Sign in
        </button>
      </form>
      {problem !== undefined && (
        <p class="banner error" role="alert">
          {problem}
        </p>
      )}
    </main>
  );
};
