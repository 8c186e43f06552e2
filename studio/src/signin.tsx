import { useState } from 'preact/hooks';
import { ApiError, gql, setKey } from './api';
import { MeQuery } from './ops';
import type { Me } from './main';

export function SignIn(props: { onSignedIn: (me: Me) => void }) {
  const [key, setK] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const k = key.trim();
    if (!k) { setError('Paste your API key (it starts with mms_).'); return; }
    setBusy(true);
    setError(null);
    try {
      const d = await gql(MeQuery, {}, k);
      if (d.me.anonymous) throw new ApiError('That key was not accepted.', 'UNAUTHENTICATED');
      setKey(k);
      props.onSignedIn(d.me);
    } catch (err) {
      setError(err instanceof ApiError && err.code === 'UNAUTHENTICATED'
        ? 'That API key was not accepted: check that you pasted all of it and that it has not expired or been revoked.'
        : (err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="center">
      <form class="card signin" onSubmit={submit}>
        <h1>MMS Studio</h1>
        <p>Sign in with the API key your team owner gave you. It is kept in this tab only and forgotten when you sign out or close the tab.</p>
        <label for="apikey">API key</label>
        <input id="apikey" name="apikey" type="password" autocomplete="off" spellcheck={false} value={key}
          onInput={(e) => setK((e.target as HTMLInputElement).value)} aria-describedby={error ? 'signin-error' : undefined} />
        {error && <p id="signin-error" class="error" role="alert">{error}</p>}
        <button type="submit" class="primary" disabled={busy}>Sign in</button>
      </form>
    </main>
  );
}
