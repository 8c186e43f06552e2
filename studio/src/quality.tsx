// A dataset's history: its versions (rows, ingestion, Parquet snapshot), its
// ingestions (newest first, failed ones included: Dataset.ingestions; live
// progress of one started here, through jobUpdated), the
// quality report of an ingestion (per-field nulls and distributions as small
// charts, rejects with their line and reasons), and a form to add data.
import { useEffect, useRef, useState } from 'preact/hooks';
import { gql, gqlUpload } from './api';
import type { Format, OnError, StudioDatasetVersionsQuery, StudioIngestionFieldsFragment, StudioRejectsQuery, WriteMode } from './gql/graphql';
import { followJob, isFinal, type Job } from './live';
import { DatasetIngestionsQuery, DatasetVersionsQuery, IngestionQuery, IngestMutation, RejectsQuery } from './ops';
import { bytes, fieldReports, type FieldReport, formatOf, pct, sourceOf, summary } from './report';

type Version = NonNullable<StudioDatasetVersionsQuery['dataset']>['versions']['edges'][number]['node'];
type Ingestion = StudioIngestionFieldsFragment;
type Rejects = NonNullable<StudioRejectsQuery['ingestion']>['rejects'];

const when = (t: string | null | undefined) => (t ? new Date(t).toLocaleString() : '—');

/**
 * The history sections of a dataset's page. rev changes when the dataset did
 * (an ingestion finished here): everything is read again. onIngested is told
 * when an ingestion started here is final.
 */
export function DatasetHistory(props: { dataset: string; canWrite: boolean; rev: number; onIngested: () => void }) {
  const [versions, setVersions] = useState<{ list: Version[]; total: number; next: string | null } | null>(null);
  const [ingestions, setIngestions] = useState<{ list: Ingestion[]; total: number; next: string | null } | null>(null);
  const [ingError, setIngError] = useState<string | null>(null); // e.g. refused through a share of some rows
  const [picked, setPicked] = useState<Record<string, Ingestion>>({}); // selected ones not on a loaded page
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState<{ job: Job; via: 'live' | 'poll'; source: string } | null>(null);
  const following = useRef<(() => void) | null>(null); // stops following the running job
  useEffect(() => () => following.current?.(), []);

  const loadIngestions = async (after: string | null) => {
    try {
      const d = await gql(DatasetIngestionsQuery, { id: props.dataset, first: 20, after });
      const c = d.dataset?.ingestions;
      if (!c) return;
      const list = c.edges.map((e) => e.node);
      setIngError(null);
      setIngestions((cur) => ({ list: after && cur ? [...cur.list, ...list] : list, total: c.totalCount, next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor ?? null : null }));
      if (!after) setSelected((cur) => cur ?? list[0]?.id ?? null);
    } catch (e) {
      setIngError((e as Error).message);
    }
  };
  const loadVersions = async (after: string | null) => {
    try {
      const d = await gql(DatasetVersionsQuery, { id: props.dataset, first: 20, after });
      const c = d.dataset?.versions;
      if (!c) return;
      const list = c.edges.map((e) => e.node);
      setVersions((cur) => ({ list: after && cur ? [...cur.list, ...list] : list, total: c.totalCount, next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor ?? null : null }));
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => { loadVersions(null); loadIngestions(null); }, [props.dataset, props.rev]);

  const listed = (id: string) => ingestions?.list.find((i) => i.id === id);
  const shown = selected ? listed(selected) ?? picked[selected] : undefined;
  // A selected ingestion not on a loaded page (an old version's) is read alone.
  useEffect(() => {
    if (!selected || !ingestions || shown) return;
    gql(IngestionQuery, { id: selected })
      .then((d) => { const i = d.ingestion; if (i) setPicked((cur) => ({ ...cur, [i.id]: i })); })
      .catch((e) => setError((e as Error).message));
  }, [selected, ingestions]);

  const started = async (jobId: string, source: string) => {
    setRunning({ job: { id: jobId, kind: 'ingest', status: 'QUEUED', progress: 0, error: null, errorCode: null, result: null, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null, updatedAt: new Date().toISOString(), detail: { phase: null, rows: 0, bytes: 0, totalBytes: 0, rowsPerSecond: 0, message: null } }, via: 'live', source });
    loadIngestions(null); // lists it, queued
    following.current?.();
    following.current = followJob(jobId, (job, via) => {
      setRunning({ job, via, source });
      if (isFinal(job)) {
        following.current?.();
        following.current = null;
        const ing = (job.result as { ingestion?: string } | null)?.ingestion;
        if (ing) setSelected(ing); // the list is read again on onIngested
        props.onIngested();
      }
    }, (e) => setError(e.message));
  };

  const history = ingestions?.list ?? [];
  return (
    <>
      {error && <p class="error" role="alert">{error}</p>}
      {props.canWrite && <AddData dataset={props.dataset} onStarted={started} busy={!!running && !isFinal(running.job)} />}
      {running && <JobProgress job={running.job} via={running.via} source={running.source} />}
      <section aria-labelledby="versions-h">
        <h2 id="versions-h">Versions {versions && <small>({versions.total})</small>}</h2>
        {versions && versions.list.length === 0 && <p class="hint">No versions yet: nothing was ingested.</p>}
        {versions && versions.list.length > 0 && (
          <table class="grid">
            <thead><tr><th scope="col">Version</th><th scope="col">Committed</th><th scope="col">Rows</th><th scope="col">Ingestion</th><th scope="col">Snapshot</th><th scope="col">Size</th><th scope="col">SHA-256</th></tr></thead>
            <tbody>{versions.list.map((v) => (
              <tr key={v.version}>
                <td>v{v.version}</td><td>{when(v.createdAt)}</td><td>{v.rows}</td>
                <td>{v.ingestion ? <button type="button" class="link" aria-pressed={selected === v.ingestion} onClick={() => setSelected(v.ingestion!)}>{v.ingestion}<span class="sr-only">: show its quality report</span></button> : '—'}</td>
                <td>{v.snapshot?.status ?? 'none'}</td>
                <td>{v.snapshot?.bytes != null ? bytes(v.snapshot.bytes) : '—'}</td>
                <td>{v.snapshot?.sha256 ? <code title={v.snapshot.sha256} aria-label={`SHA-256 ${v.snapshot.sha256}`}>{v.snapshot.sha256.slice(0, 12)}…</code> : '—'}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
        {versions?.next && <button type="button" onClick={() => loadVersions(versions.next)}>More versions</button>}
      </section>
      <section aria-labelledby="ingestions-h">
        <h2 id="ingestions-h">Ingestions</h2>
        {ingError && <p class="hint">{ingError}</p>}
        {ingestions && history.length === 0 && <p class="hint">No ingestion to show.</p>}
        {history.length > 0 && (
          <table class="grid">
            <thead><tr><th scope="col">Ingestion</th><th scope="col">Source</th><th scope="col">Status</th><th scope="col">Version</th><th scope="col">Read</th><th scope="col">Inserted</th><th scope="col">Updated</th><th scope="col">Unchanged</th><th scope="col">Rejected</th><th scope="col">Started</th><th scope="col">Finished</th></tr></thead>
            <tbody>{history.map((i) => (
              <tr key={i.id} class={selected === i.id ? 'sel' : undefined}>
                <td><button type="button" class="link" aria-pressed={selected === i.id} onClick={() => setSelected(i.id)}>{i.id}<span class="sr-only">: show its quality report</span></button></td>
                <td>{i.source} <small>({i.format}, {i.mode})</small></td><td>{i.status}{i.failedChecks.length > 0 && <small title={i.failedChecks.join('; ')}> ({i.failedChecks.length} failed {i.failedChecks.length === 1 ? 'check' : 'checks'})</small>}</td><td>{i.datasetVersion != null ? `v${i.datasetVersion}` : '—'}</td>
                <td>{i.read}</td><td>{i.inserted}</td><td>{i.updated}</td><td>{i.unchanged}</td><td>{i.rejected}</td><td>{when(i.createdAt)}</td><td>{when(i.finishedAt)}</td>
              </tr>
            ))}</tbody>
          </table>
        )}
        {ingestions?.next && <button type="button" onClick={() => loadIngestions(ingestions.next)}>More ingestions</button>}
      </section>
      {shown && <QualityReport key={shown.id} ingestion={shown} />}
    </>
  );
}

/** A running (or just finished) ingestion's job: phase, rows, bytes, a progress bar. */
function JobProgress(props: { job: Job; via: 'live' | 'poll'; source: string }) {
  const j = props.job;
  const d = j.detail;
  const final = isFinal(j);
  return (
    <section aria-labelledby="job-h" class="jobprogress">
      <h2 id="job-h">Ingesting {props.source}</h2>
      <progress max={1} value={j.progress} aria-label={`Progress of ingesting ${props.source}`} />
      <p role="status">
        {j.status === 'SUCCEEDED' ? 'Succeeded' : j.status === 'FAILED' ? `Failed: ${j.error ?? ''}` : j.status === 'CANCELLED' ? 'Cancelled' : j.status === 'QUEUED' ? 'Queued' : `Running: ${d.phase ?? 'starting'}`}
        {' '}· {Math.round(j.progress * 100)}% · {d.rows} rows{d.totalBytes ? ` · ${bytes(d.bytes)} of ${bytes(d.totalBytes)}` : d.bytes ? ` · ${bytes(d.bytes)}` : ''}
        {!final && d.rowsPerSecond ? ` · ${Math.round(d.rowsPerSecond)} rows/s` : ''}
        {d.message ? ` · ${d.message}` : ''}
      </p>
      <p class="hint">{props.via === 'live' ? 'Live updates (jobUpdated over WebSocket).' : 'Checked once a second (the live connection was not available).'} Job {j.id}.</p>
    </section>
  );
}

const FORMATS: Format[] = ['CSV', 'NDJSON', 'JSON'];
const MODES: WriteMode[] = ['UPSERT', 'INSERT', 'MERGE'];

/** Upload a file into the dataset (owners and editors); the job is followed live. */
function AddData(props: { dataset: string; onStarted: (job: string, source: string) => void; busy: boolean }) {
  const [file, setFile] = useState<File | null>(null);
  const [format, setFormat] = useState<Format>('CSV');
  const [source, setSource] = useState('');
  const [mode, setMode] = useState<WriteMode>('UPSERT');
  const [onError, setOnError] = useState<OnError>('SKIP');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!file) { setError('Choose a file to ingest.'); return; }
    const src = source.trim() || sourceOf(file.name);
    if (/[.$]/.test(src) || src.length > 100) { setError('A source name is 1-100 characters without "." or "$".'); return; }
    try {
      const r = await gqlUpload(IngestMutation, { input: { dataset: props.dataset, source: src, format, mode, onError, file: null } }, { 'input.file': file });
      props.onStarted(r.ingest.id, src);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <form class="share" onSubmit={submit} aria-labelledby="add-h">
      <h2 id="add-h">Add data</h2>
      <div class="row">
        <label>File <input type="file" aria-label="File" accept=".csv,.tsv,.txt,.json,.ndjson,.jsonl" onChange={(e) => {
          const f = (e.target as HTMLInputElement).files?.[0] ?? null;
          setFile(f);
          if (f) { setFormat(formatOf(f.name) ?? format); if (!source) setSource(sourceOf(f.name)); }
        }} /></label>
        <label>Format <select aria-label="Format" value={format} onChange={(e) => setFormat((e.target as HTMLSelectElement).value as Format)}>{FORMATS.map((f) => <option key={f}>{f}</option>)}</select></label>
        <label>Source name <input aria-label="Source name" value={source} onInput={(e) => setSource((e.target as HTMLInputElement).value)} /></label>
        <label>Mode <select aria-label="Mode" value={mode} onChange={(e) => setMode((e.target as HTMLSelectElement).value as WriteMode)}>{MODES.map((m) => <option key={m}>{m}</option>)}</select></label>
        <label>Bad rows <select aria-label="Bad rows" value={onError} onChange={(e) => setOnError((e.target as HTMLSelectElement).value as OnError)}>
          <option value="SKIP">reject and go on</option><option value="STOP">stop the ingestion</option>
        </select></label>
      </div>
      <button type="submit" class="primary" disabled={props.busy}>Ingest</button>
      {error && <p role="alert" class="error">{error}</p>}
    </form>
  );
}

/** One ingestion's quality report: totals, failed checks, fields, rejects. */
function QualityReport(props: { ingestion: Ingestion }) {
  const i = props.ingestion;
  const fields = fieldReports(i.report);
  const byField = (i.report as { rejectsByField?: { field: string; count: number }[] } | null)?.rejectsByField ?? [];
  return (
    <section aria-labelledby="quality-h">
      <h2 id="quality-h">Quality report of {i.id}</h2>
      <p>{summary(i)}</p>
      {i.error && <p class="error">{i.error}</p>}
      {i.failedChecks.length > 0 && <ul class="error" aria-label="Failed checks">{i.failedChecks.map((c) => <li key={c}>{c}</li>)}</ul>}
      {fields.length === 0 && <p class="hint">No field report (the ingestion wrote nothing, or it has not finished).</p>}
      {fields.length > 0 && (
        <div class="scroll" tabIndex={0} role="region" aria-label="Field report">
          <table class="grid quality">
            <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Values</th><th scope="col">Nulls</th><th scope="col">Distinct</th><th scope="col">Min</th><th scope="col">Mean</th><th scope="col">Max</th><th scope="col">Distribution</th></tr></thead>
            <tbody>{fields.map((f) => (
              <tr key={f.name}>
                <th scope="row">{f.name}</th><td>{f.type}</td><td>{f.count}</td>
                <td><NullBar f={f} /></td>
                <td>{f.distinct}{f.distinctExact ? '' : '+'}</td>
                <td>{num(f.min) ?? f.minDate?.slice(0, 10) ?? '—'}</td><td>{num(f.mean) ?? '—'}</td><td>{num(f.max) ?? f.maxDate?.slice(0, 10) ?? '—'}</td>
                <td><Distribution f={f} /></td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
      {byField.length > 0 && <p class="hint">Rejects by field: {byField.map((b) => `${b.field} ${b.count}`).join(', ')}.</p>}
      <RejectList ingestion={i.id} total={i.rejected} />
    </section>
  );
}

/** s cut to n code points, with an ellipsis when cut. */
const clip = (s: string, n: number) => { const cps = [...s]; return cps.length > n ? cps.slice(0, n - 1).join('') + '…' : s; };
const num = (x: number | null | undefined) => (x == null ? null : Math.abs(x) >= 1000 || Number.isInteger(x) ? String(Math.round(x * 100) / 100) : x.toPrecision(4));

/** The nulls of a field: the count, the share, and a bar. */
function NullBar(props: { f: FieldReport }) {
  const r = props.f.nullRatio;
  return (
    <span class="nulls">
      <svg width="48" height="8" aria-hidden="true" class="nullbar"><rect width="48" height="8" fill="#d0d7de" /><rect width={Math.max(r > 0 ? 1 : 0, 48 * r)} height="8" fill="#cf222e" /></svg>
      {' '}{props.f.nulls} ({pct(r)})
    </span>
  );
}

/** A small chart: a histogram of a numeric field, or the top values of another. */
export function Distribution(props: { f: FieldReport }) {
  const f = props.f;
  const W = 140, H = 36;
  if (f.histogram && f.histogram.length > 0) {
    const bins = f.histogram;
    const max = Math.max(1, ...bins.map((b) => b.count));
    const bw = W / bins.length;
    const top = bins.reduce((a, b) => (b.count > a.count ? b : a));
    return (
      <svg class="spark" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img"
        aria-label={`Histogram of ${f.name}: ${bins.length} bins from ${num(bins[0].lo)} to ${num(bins[bins.length - 1].hi)}, the fullest ${num(top.lo)} to ${num(top.hi)} with ${top.count}`}>
        {bins.map((b, k) => {
          const h = (b.count / max) * (H - 2);
          return <rect key={k} x={k * bw + 0.5} y={H - h} width={bw - 1} height={h} fill="#1f6feb"><title>{`${num(b.lo)} – ${num(b.hi)}: ${b.count}`}</title></rect>;
        })}
      </svg>
    );
  }
  if (f.top && f.top.length > 0) {
    const top = f.top.slice(0, 5);
    const max = Math.max(1, ...top.map((t) => t.count));
    const rh = 12, label = 56;
    return (
      <svg class="spark" width={W + label} height={top.length * rh} viewBox={`0 0 ${W + label} ${top.length * rh}`} role="img"
        aria-label={`Most common values of ${f.name}: ${top.map((t) => `${clip(String(t.value), 40)} (${t.count})`).join(', ')}`}>
        {top.map((t, k) => {
          return (
            <g key={k}>
              <text x={label - 4} y={k * rh + 9} text-anchor="end" font-size="10">{clip(String(t.value), 9)}</text>
              <rect x={label} y={k * rh + 2} width={Math.max(1, ((W - 24) * t.count) / max)} height={rh - 4} fill="#8250df" />
              <text x={label + Math.max(1, ((W - 24) * t.count) / max) + 3} y={k * rh + 9} font-size="9">{t.count}</text>
            </g>
          );
        })}
      </svg>
    );
  }
  return <span class="hint">—</span>;
}

/** An ingestion's rejects, 20 at a time: line, reasons, the row as read. */
function RejectList(props: { ingestion: string; total: number }) {
  const [page, setPage] = useState<{ list: Rejects['edges'][number]['node'][]; total: number; next: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = async (after: string | null) => {
    try {
      const d = await gql(RejectsQuery, { id: props.ingestion, first: 20, after });
      const c = d.ingestion?.rejects;
      if (!c) return;
      setPage((cur) => ({ list: after && cur ? [...cur.list, ...c.edges.map((e) => e.node)] : c.edges.map((e) => e.node), total: c.totalCount, next: c.pageInfo.hasNextPage ? c.pageInfo.endCursor ?? null : null }));
    } catch (e) { setError((e as Error).message); }
  };
  useEffect(() => { if (props.total > 0) load(null); }, [props.ingestion, props.total]);
  return (
    <>
      <h3 id="rejects-h">Rejects <small>({props.total})</small></h3>
      {error && <p class="error" role="alert">{error}</p>}
      {props.total === 0 && <p class="hint">No row was rejected.</p>}
      {page && page.list.length > 0 && (
        <table class="grid rejects" aria-labelledby="rejects-h">
          <thead><tr><th scope="col">Line</th><th scope="col">Reasons</th><th scope="col">Row as read</th></tr></thead>
          <tbody>{page.list.map((r) => (
            <tr key={r.line}>
              <td>{r.line}</td>
              <td><ul class="reasons">{r.reasons.map((x) => <li key={x}>{x}</li>)}</ul></td>
              <td>{r.raw != null ? <code>{r.raw.length > 200 ? r.raw.slice(0, 200) + '…' : r.raw}</code> : <span class="hint">not kept</span>}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
      {page?.next && <button type="button" onClick={() => load(page.next)}>More rejects</button>}
    </>
  );
}
