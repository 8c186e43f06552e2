import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import './style.css';
import { ApiError, getKey, gql, setKey } from './api';
import { MeQuery } from './ops';
import { SignIn } from './signin';
import { Tasks } from './tasks';
import { Workspace } from './workspace';
import { Review } from './review';
import { DatasetPage, Datasets } from './datasets';
import { Audit } from './audit';
import { Keys } from './sharing';
import { ModelPage, Models } from './models';
import { abilities, home } from './roles';

export interface Me { id: string; team?: string | null; role?: string | null }

/** Client-side navigation inside /studio/. */
export function navigate(path: string): void {
  history.pushState(null, '', path);
  dispatchEvent(new PopStateEvent('popstate'));
}

export function Link(props: { href: string; children: preact.ComponentChildren; class?: string }) {
  return (
    <a href={props.href} class={props.class} onClick={(e) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(props.href);
    }}>{props.children}</a>
  );
}

function route(path: string): { page: 'tasks' } | { page: 'task'; task: string } | { page: 'review'; task: string } | { page: 'datasets' } | { page: 'dataset'; id: string } | { page: 'audit' } | { page: 'keys' } | { page: 'models' } | { page: 'model'; id: string } | { page: 'new-dataset' } | { page: 'new-task' } | { page: 'notfound' } {
  const p = path.replace(/^\/studio/, '').replace(/\/+$/, '');
  if (p === '' || p === '/tasks') return { page: 'tasks' };
  const m = /^\/tasks\/([^/]+)$/.exec(p);
  if (m) return { page: 'task', task: decodeURIComponent(m[1]) };
  const rv = /^\/tasks\/([^/]+)\/review$/.exec(p);
  if (rv) return { page: 'review', task: decodeURIComponent(rv[1]) };
  if (p === '/datasets') return { page: 'datasets' };
  if (p === '/new-dataset') return { page: 'new-dataset' };
  if (p === '/new-task') return { page: 'new-task' };
  if (p === '/audit') return { page: 'audit' };
  if (p === '/keys') return { page: 'keys' };
  if (p === '/models') return { page: 'models' };
  const mo = /^\/models\/([^/]+)$/.exec(p);
  if (mo) return { page: 'model', id: decodeURIComponent(mo[1]) };
  const ds = /^\/datasets\/([^/]+)$/.exec(p);
  if (ds) return { page: 'dataset', id: decodeURIComponent(ds[1]) };
  return { page: 'notfound' };
}

/**
 * A page whose code is loaded when first shown (the forms that create things,
 * which most visits never open), so the app's first load stays small.
 */
function Later(props: { load: () => Promise<(p: { me: Me }) => preact.JSX.Element>; me: Me }) {
  const [Page, setPage] = useState<((p: { me: Me }) => preact.JSX.Element) | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    props.load().then((c) => setPage(() => c)).catch((e) => setError(`This page could not be loaded (${(e as Error).message}): reload to try again.`));
  }, []);
  if (error) return <main class="page"><p class="error" role="alert">{error}</p></main>;
  return Page ? <Page me={props.me} /> : <main class="page"><p>Loading…</p></main>;
}

function App() {
  const [path, setPath] = useState(location.pathname);
  const [me, setMe] = useState<Me | null>(null);
  const [checking, setChecking] = useState(!!getKey());
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener('popstate', on);
    return () => removeEventListener('popstate', on);
  }, []);
  useEffect(() => {
    if (!getKey()) return;
    gql(MeQuery).then((d) => {
      if (d.me.anonymous) { setKey(null); setMe(null); } else setMe(d.me);
    }).catch((e) => {
      if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') setKey(null);
    }).finally(() => setChecking(false));
  }, []);
  const signOut = () => { setKey(null); setMe(null); navigate('/studio/'); }; // the next person starts at their own start page
  if (checking) return <main class="center"><p>Signing in…</p></main>;
  if (!me) return <SignIn onSignedIn={(m) => setMe(m)} />;
  const can = abilities(me.role); // the pages shown follow the caller's role (the server decides each request)
  const r = route(/^\/studio\/?$/.test(path) ? home(me.role) : path);
  return (
    <>
      <header class="top">
        <Link href="/studio/" class="brand">MMS Studio</Link>
        <nav aria-label="Main">{can.tasks && <Link href="/studio/tasks">Tasks</Link>}{can.datasets && <Link href="/studio/datasets">Datasets</Link>}{can.models && <Link href="/studio/models">Models</Link>}{can.own && <Link href="/studio/keys">API keys</Link>}{can.audit && <Link href="/studio/audit">Audit</Link>}</nav>
        <span class="who" title={me.id}>{me.team ? `${me.team} · ` : ''}{me.role ?? ''}</span>
        <button type="button" class="link" onClick={signOut}>Sign out</button>
      </header>
      {r.page === 'tasks' && <Tasks me={me} />}
      {r.page === 'new-task' && <Later load={() => import('./newtask').then((m) => m.NewTask)} me={me} />}
      {r.page === 'new-dataset' && <Later load={() => import('./newdataset').then((m) => m.NewDataset)} me={me} />}
      {r.page === 'task' && <Workspace key={r.task} task={r.task} me={me} />}
      {r.page === 'review' && <Review key={r.task} task={r.task} me={me} />}
      {r.page === 'datasets' && <Datasets canCreate={can.write} />}
      {r.page === 'dataset' && <DatasetPage key={r.id} id={r.id} canShare={can.own} canWrite={can.write} />}
      {r.page === 'audit' && <Audit />}
      {r.page === 'keys' && <Keys me={me} />}
      {r.page === 'models' && <Models />}
      {r.page === 'model' && <ModelPage key={r.id} id={r.id} canWrite={can.write} />}
      {r.page === 'notfound' && <main class="page"><h1>Not found</h1><p>No Studio page at {path}. <Link href="/studio/">Go to the start page</Link>.</p></main>}
    </>
  );
}

render(<App />, document.getElementById('app')!);
