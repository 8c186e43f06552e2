// Sharing a dataset with a partner team (fields, rows, expiry), and a team's API keys.
import { useEffect, useState } from 'preact/hooks';
import { gql } from './api';
import type { Role, ShareRole, StudioKeysQuery, StudioSharesQuery } from './gql/graphql';
import { CreateKeyMutation, KeysQuery, RevokeKeyMutation, RevokeShareMutation, RotateKeyMutation, ShareMutation, SharesQuery } from './ops';
import type { Me } from './main';

type Share = StudioSharesQuery['shares'][number];

export function Shares(props: { dataset: string; fields: string[] }) {
  const [shares, setShares] = useState<Share[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [team, setTeam] = useState('');
  const [role, setRole] = useState<ShareRole>('VIEWER');
  const [fields, setFields] = useState<string[]>([]);
  const [row, setRow] = useState({ field: '', op: 'eq', value: '' });
  const [expires, setExpires] = useState('');
  const load = () => gql(SharesQuery, { dataset: props.dataset }).then((d) => setShares(d.shares)).catch((e) => setError(e.message));
  useEffect(() => { load(); }, [props.dataset]);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null); setMsg(null);
    if (!team.trim()) { setError('Name the partner team to share with.'); return; }
    let value: unknown = row.value;
    try { value = JSON.parse(row.value); } catch { /* a plain string */ }
    try {
      const r = await gql(ShareMutation, { input: {
        dataset: props.dataset, team: team.trim(), role,
        fields: fields.length ? fields : null,
        rowFilter: row.field ? [{ field: row.field, op: row.op, value }] : null,
        expiresAt: expires ? new Date(expires + 'T23:59:59Z').toISOString() : null,
      } });
      setMsg(`Shared with ${r.shareDataset.team} as ${r.shareDataset.role}.`);
      load();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const revoke = async (t: string) => {
    setError(null); setMsg(null);
    try { await gql(RevokeShareMutation, { dataset: props.dataset, team: t }); setMsg(`Share with ${t} revoked.`); load(); } catch (err) { setError((err as Error).message); }
  };
  return (
    <section aria-labelledby="share-h">
      <h2 id="share-h">Sharing</h2>
      {shares && shares.length === 0 && <p class="hint">Not shared with any team.</p>}
      {shares && shares.length > 0 && (
        <table class="grid">
          <thead><tr><th scope="col">Team</th><th scope="col">Role</th><th scope="col">Fields</th><th scope="col">Rows</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>{shares.map((s) => (
            <tr key={s.team}>
              <td>{s.team}</td><td>{s.role}</td><td>{s.fields?.join(', ') ?? 'all'}</td>
              <td>{s.rowFilter.length ? s.rowFilter.map((c) => `${c.field} ${c.op} ${JSON.stringify(c.value)}`).join(' and ') : 'all'}</td>
              <td>{s.expiresAt ? `${new Date(s.expiresAt).toLocaleDateString()}${s.expired ? ' (expired)' : ''}` : 'never'}</td>
              <td><button type="button" onClick={() => revoke(s.team)}>Revoke<span class="sr-only"> the share with {s.team}</span></button></td>
            </tr>
          ))}</tbody>
        </table>
      )}
      <form class="share" onSubmit={submit} aria-labelledby="share-new-h">
        <h3 id="share-new-h">Share with a team</h3>
        <div class="row">
          <label>Team <input aria-label="Team" value={team} onInput={(e) => setTeam((e.target as HTMLInputElement).value)} /></label>
          <label>Role <select aria-label="Role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as ShareRole)}>
            <option value="VIEWER">VIEWER</option><option value="PARTNER">PARTNER</option><option value="EDITOR">EDITOR</option>
          </select></label>
          <label>Expires on <input aria-label="Expires on" type="date" value={expires} onInput={(e) => setExpires((e.target as HTMLInputElement).value)} /></label>
        </div>
        <fieldset>
          <legend>Fields (none ticked: all)</legend>
          {props.fields.map((f) => (
            <label class="check" key={f}><input type="checkbox" checked={fields.includes(f)}
              onChange={(e) => setFields((e.target as HTMLInputElement).checked ? [...fields, f] : fields.filter((x) => x !== f))} /> {f}</label>
          ))}
        </fieldset>
        <div class="row">
          <label>Rows where <select aria-label="Rows where" value={row.field} onChange={(e) => setRow({ ...row, field: (e.target as HTMLSelectElement).value })}>
            <option value="">(all rows)</option>{props.fields.map((f) => <option key={f}>{f}</option>)}
          </select></label>
          <label>Operator <select aria-label="Operator" value={row.op} onChange={(e) => setRow({ ...row, op: (e.target as HTMLSelectElement).value })}>
            {['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'].map((o) => <option key={o}>{o}</option>)}
          </select></label>
          <label>Row value <input aria-label="Row value" value={row.value} onInput={(e) => setRow({ ...row, value: (e.target as HTMLInputElement).value })} /></label>
        </div>
        <button type="submit" class="primary">Share</button>
        {msg && <p role="status" class="ok">{msg}</p>}
        {error && <p role="alert" class="error">{error}</p>}
      </form>
    </section>
  );
}

type Key = StudioKeysQuery['apiKeys'][number];
const ROLES: Role[] = ['VIEWER', 'ANNOTATOR', 'EDITOR', 'OWNER'];

export function Keys(props: { me: Me }) {
  const [team, setTeam] = useState(props.me.team ?? '');
  const [keys, setKeys] = useState<Key[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('ANNOTATOR');
  const load = (t = team) => { if (t) gql(KeysQuery, { team: t }).then((d) => setKeys(d.apiKeys)).catch((e) => setError(e.message)); };
  useEffect(() => { load(); }, []);
  const act = async (f: () => Promise<void>) => { setError(null); setSecret(null); try { await f(); load(); } catch (e) { setError((e as Error).message); } };
  return (
    <main class="page">
      <h1>API keys</h1>
      {!props.me.team && (
        <form class="row" onSubmit={(e) => { e.preventDefault(); load(); }}>
          <label>Team <input aria-label="Team" value={team} onInput={(e) => setTeam((e.target as HTMLInputElement).value)} /></label>
          <button type="submit">Show keys</button>
        </form>
      )}
      {secret && (
        <div class="banner info" role="status">
          <span>New key <b>{secret.name}</b>: <code class="secret">{secret.secret}</code> — copy it now, it is not shown again.</span>
        </div>
      )}
      {error && <p class="error" role="alert">{error}</p>}
      {keys && (
        <table class="grid">
          <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Prefix</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
          <tbody>{keys.map((k) => (
            <tr key={k.id}>
              <td>{k.name}</td><td>{k.role}</td><td><code>{k.prefix}…</code></td><td>{new Date(k.createdAt).toLocaleDateString()}</td>
              <td>{k.lastUsedAt ? new Date(k.lastUsedAt).toLocaleString() : 'never'}</td>
              <td>{k.revoked ? 'revoked' : k.expiresAt ? `expires ${new Date(k.expiresAt).toLocaleDateString()}` : 'active'}</td>
              <td>{!k.revoked && (
                <div class="row">
                  <button type="button" onClick={() => act(async () => { const r = await gql(RotateKeyMutation, { id: k.id }); setSecret({ name: r.rotateApiKey.key.name, secret: r.rotateApiKey.secret }); })}>Rotate<span class="sr-only"> {k.name}</span></button>
                  <button type="button" onClick={() => act(async () => { await gql(RevokeKeyMutation, { id: k.id }); })}>Revoke<span class="sr-only"> {k.name}</span></button>
                </div>
              )}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      <form class="row" onSubmit={(e) => { e.preventDefault(); if (!name.trim()) { setError('Give the key a name (who or what uses it).'); return; } act(async () => { const r = await gql(CreateKeyMutation, { input: { team, role, name: name.trim() } }); setSecret({ name: r.createApiKey.key.name, secret: r.createApiKey.secret }); setName(''); }); }}>
        <label>Key name <input aria-label="Key name" value={name} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
        <label>Key role <select aria-label="Key role" value={role} onChange={(e) => setRole((e.target as HTMLSelectElement).value as Role)}>{ROLES.map((r) => <option key={r}>{r}</option>)}</select></label>
        <button type="submit" class="primary">Create key</button>
      </form>
    </main>
  );
}
