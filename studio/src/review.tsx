// A task's overview for its owner: progress per annotator, label counts,
// agreement (Cohen's and Fleiss' kappa, span F1 per label) and exports.
import { useEffect, useState } from 'preact/hooks';
import { getKey, gql } from './api';
import type { StudioAgreementQuery, StudioReviewQuery } from './gql/graphql';
import { Link, type Me } from './main';
import { AgreementQuery, KeysQuery, ReviewQuery } from './ops';
import { annotatorRows } from './people';
import { abilities } from './roles';
import { Compare } from './compare';

type Task = NonNullable<StudioReviewQuery['annotationTask']>;
type Agreement = StudioAgreementQuery['agreement'];

const fmt = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '—' : x.toFixed(d));

const EXPORTS: [format: string, label: string][] = [
  ['doccano', 'doccano JSONL'], ['labelstudio', 'Label Studio JSON'], ['brat', 'brat (zip)'], ['conll', 'CoNLL'],
];

/**
 * People's names for principal ids: an API key's name ("annotator 1 (key:…)")
 * when the caller may list the team's keys (owners and admins); the id otherwise.
 */
function useNames(me: Me, team: string | undefined): (id: string) => string {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  const mayList = abilities(me.role).own && (me.role === 'ADMIN' || me.team === team); // owners list their own team's keys
  useEffect(() => {
    if (!team || !mayList) return;
    gql(KeysQuery, { team }).then((d) => setNames(new Map(d.apiKeys.map((k) => [`key:${k.id}`, k.name])))).catch(() => { /* ids then */ });
  }, [team, mayList]);
  return (id) => names.get(id) ?? id;
}

export function Review(props: { task: string; me: Me }) {
  const [task, setTask] = useState<Task | null | undefined>(undefined);
  const [agr, setAgr] = useState<Agreement | null>(null);
  const [agrErr, setAgrErr] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rev, setRev] = useState(0); // bumped after a gold version is saved
  useEffect(() => {
    gql(ReviewQuery, { task: props.task }).then((d) => setTask(d.annotationTask ?? null)).catch((e) => setError(e.message));
    gql(AgreementQuery, { task: props.task }).then((d) => setAgr(d.agreement)).catch((e) => setAgrErr(e.message));
  }, [props.task, rev]);
  const name = useNames(props.me, task?.team);

  const download = async (format: string, which: string) => {
    setError(null);
    try {
      const res = await fetch(`/tasks/${encodeURIComponent(props.task)}/export?format=${format}&which=${which}`, { headers: { Authorization: `Bearer ${getKey()}` } });
      if (!res.ok) {
        const body = await res.text();
        throw new Error(`Export failed (${res.status}): ${body.slice(0, 300)}`);
      }
      const blob = await res.blob();
      const cd = res.headers.get('Content-Disposition') ?? '';
      const name = /filename="?([^";]+)"?/.exec(cd)?.[1] ?? `${props.task}-${which}.${format === 'brat' ? 'zip' : format === 'labelstudio' ? 'json' : format === 'conll' ? 'conll' : 'jsonl'}`;
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = name;
      a.click();
      setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  if (task === undefined && !error) return <main class="page"><p>Loading…</p></main>;
  if (!task) return <main class="page"><h1>Task {props.task}</h1><p class="error" role="alert">{error ?? `There is no task ${props.task}, or you may not see it.`}</p></main>;
  const st = task.stats;
  const rows = annotatorRows(task.annotators, st.annotators);
  const maxCount = Math.max(1, ...st.labels.map((l) => l.count));
  return (
    <main class="page">
      <h1><Link href="/studio/">Tasks</Link> / {task.id} · review</h1>
      <p>Dataset <b>{task.dataset}</b> · schema <b>{task.schema}</b> · overlap {task.overlap} {abilities(props.me.role).annotate && <> · <Link href={`/studio/tasks/${encodeURIComponent(task.id)}`}>Annotate</Link></>}</p>
      {error && <p class="error" role="alert">{error}</p>}
      <section class="cards" aria-label="Progress">
        <div class="stat"><span class="n">{st.completeItems} / {st.items}</span><span>items complete</span></div>
        <div class="stat"><span class="n">{st.goldItems}</span><span>items reviewed (gold)</span></div>
        <div class="stat"><span class="n">{agr ? fmt(agr.spanF1) : '—'}</span><span>span F1 (pairwise)</span></div>
        <div class="stat"><span class="n">{agr ? fmt(agr.cohenKappa ?? agr.fleissKappa) : '—'}</span><span>{agr?.cohenKappa != null ? "Cohen's κ" : "Fleiss' κ"} (document labels)</span></div>
      </section>
      <div class="two">
        <section aria-labelledby="ann-h">
          <h2 id="ann-h">Annotators</h2>
          <p class="hint">{task.annotators.length ? `${task.annotators.length} assigned to this task.` : 'Every annotator of the team may work on this task.'}</p>
          {rows.length === 0 ? <p class="hint">Nobody has saved an annotation yet.</p> : (
            <table class="grid">
              <thead><tr><th scope="col">Annotator</th><th scope="col">Submitted</th><th scope="col">Drafts</th><th scope="col">Median time</th></tr></thead>
              <tbody>{rows.map((a) => (
                <tr key={a.annotator}><td title={a.annotator}>{name(a.annotator)}</td><td>{a.submitted}</td><td>{a.drafts}</td><td>{a.medianSeconds == null ? '—' : `${a.medianSeconds.toFixed(0)} s`}</td></tr>
              ))}</tbody>
            </table>
          )}
        </section>
        <section aria-labelledby="lab-h">
          <h2 id="lab-h">Labels used</h2>
          {st.labels.length === 0 ? <p class="hint">No submitted annotations yet.</p> : (
            <table class="grid bars">
              <thead><tr><th scope="col">Label</th><th scope="col">Count</th></tr></thead>
              <tbody>{st.labels.map((l) => (
                <tr key={l.label}><td>{l.label}</td><td><span class="bar" style={`width:${(100 * l.count) / maxCount}%`} aria-hidden="true" /> {l.count}</td></tr>
              ))}</tbody>
            </table>
          )}
        </section>
      </div>
      <section aria-labelledby="agr-h">
        <h2 id="agr-h">Agreement</h2>
        {agrErr && <p class="error">{agrErr}</p>}
        {agr && (agr.items === 0 ? <p class="hint">No item has two submitted annotations yet (overlap {task.overlap}).</p> : (
          <>
            <p>Over {agr.items} items: Cohen's κ {fmt(agr.cohenKappa)}, Fleiss' κ {fmt(agr.fleissKappa)}, span F1 {fmt(agr.spanF1)}.</p>
            <table class="grid bars">
              <thead><tr><th scope="col">Label</th><th scope="col">Span F1</th></tr></thead>
              <tbody>{agr.spanF1ByLabel.map((l) => (
                <tr key={l.label}><td>{l.label}</td><td><span class="bar" style={`width:${100 * l.f1}%`} aria-hidden="true" /> {fmt(l.f1)}</td></tr>
              ))}</tbody>
            </table>
          </>
        ))}
      </section>
      <Compare task={task.id} name={name} onGold={() => setRev((r) => r + 1)} />
      <section aria-labelledby="exp-h">
        <h2 id="exp-h">Export</h2>
        <p class="hint">Submitted annotations, one record each; or the reviewed (gold) versions.</p>
        <div class="row">
          {EXPORTS.map(([f, label]) => <button type="button" key={f} onClick={() => download(f, 'submitted')}>{label}</button>)}
          {EXPORTS.map(([f, label]) => <button type="button" key={`g${f}`} onClick={() => download(f, 'gold')}>{label}, gold</button>)}
        </div>
      </section>
    </main>
  );
}
