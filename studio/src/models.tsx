// Models: the list; a version's metrics, plots, coefficients, lineage and
// aliases; and a predict form built from the model's features.
import { useEffect, useState } from 'preact/hooks';
import { getKey, gql } from './api';
import type { StudioModelVersionQuery, StudioModelsQuery, StudioPredictQuery } from './gql/graphql';
import { Link } from './main';
import { ModelsQuery, ModelVersionQuery, PredictQuery, RemoveAliasMutation, SetAliasMutation } from './ops';

type M = StudioModelsQuery['models']['edges'][number]['node'];
type MV = NonNullable<StudioModelVersionQuery['modelVersion']>;
type Pred = StudioPredictQuery['predict'][number];

export function Models() {
  const [list, setList] = useState<M[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { gql(ModelsQuery).then((d) => setList(d.models.edges.map((e) => e.node))).catch((e) => setError(e.message)); }, []);
  return (
    <main class="page">
      <h1>Models</h1>
      {error && <p class="error" role="alert">{error}</p>}
      {list && list.length === 0 && <p>No models you may read.</p>}
      {list && list.length > 0 && (
        <table class="grid">
          <thead><tr><th scope="col">Model</th><th scope="col">Dataset</th><th scope="col">Latest version</th><th scope="col">Aliases</th><th scope="col">Created</th></tr></thead>
          <tbody>{list.map((m) => (
            <tr key={m.id}>
              <td><Link href={`/studio/models/${encodeURIComponent(m.id)}`}>{m.id}</Link></td><td>{m.dataset}</td><td>{m.latestVersion}</td>
              <td>{m.aliases.map((a) => `${a.alias} → v${a.version}`).join(', ')}</td><td>{new Date(m.createdAt).toLocaleDateString()}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </main>
  );
}

const f3 = (x: number | null | undefined) => (x == null ? '—' : x.toFixed(3));
const METRICS: [keyof NonNullable<MV['test']>, string][] = [
  ['rows', 'Rows'], ['accuracy', 'Accuracy'], ['precision', 'Precision'], ['recall', 'Recall'], ['f1', 'F1'],
  ['rocAuc', 'ROC AUC'], ['averagePrecision', 'Average precision'], ['logLoss', 'Log loss'], ['brier', 'Brier score'],
];

/** An SVG artifact fetched with the bearer token, shown as an image. */
function Plot(props: { model: string; version: number; name: string; title: string }) {
  const [src, setSrc] = useState<string | null>(null);
  const [err, setErr] = useState<string | null>(null);
  useEffect(() => {
    let url: string | null = null;
    fetch(`/artifacts/${encodeURIComponent(props.model)}/${props.version}/${props.name}.svg`, { headers: { Authorization: `Bearer ${getKey()}` } })
      .then(async (r) => { if (!r.ok) throw new Error(`${r.status}`); url = URL.createObjectURL(await r.blob()); setSrc(url); })
      .catch((e) => setErr(`not available (${e.message})`));
    return () => { if (url) URL.revokeObjectURL(url); };
  }, [props.model, props.version, props.name]);
  return (
    <figure class="plot">
      {src ? <img src={src} alt={`${props.title} of ${props.model} version ${props.version}`} /> : <div class="hint">{err ?? 'Loading…'}</div>}
      <figcaption>{props.title}</figcaption>
    </figure>
  );
}

/** Coefficients as a sorted horizontal bar chart (largest magnitude first). */
function Coefficients(props: { coefs: MV['coefficients'] }) {
  const cs = [...props.coefs].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, 30);
  const max = Math.max(1e-9, ...cs.map((c) => Math.abs(c.value)));
  const W = 560, L = 180, H = 18;
  return (
    <svg class="coefs" viewBox={`0 0 ${W} ${cs.length * H + 4}`} width={W} height={cs.length * H + 4} role="img"
      aria-label={`Coefficients, largest first: ${cs.slice(0, 5).map((c) => `${c.feature} ${c.value.toFixed(2)}`).join(', ')}`}>
      <line x1={L + (W - L) / 2} x2={L + (W - L) / 2} y1={0} y2={cs.length * H} stroke="#8c959f" />
      {cs.map((c, i) => {
        const half = (W - L) / 2 - 40, w = (Math.abs(c.value) / max) * half, mid = L + (W - L) / 2;
        return (
          <g key={c.feature}>
            <text x={L - 6} y={i * H + 13} text-anchor="end" font-size="12">{c.feature.length > 26 ? c.feature.slice(0, 25) + '…' : c.feature}</text>
            <rect x={c.value >= 0 ? mid : mid - w} y={i * H + 3} width={Math.max(1, w)} height={H - 6} fill={c.value >= 0 ? '#1f6feb' : '#cf222e'} />
            <text x={c.value >= 0 ? mid + w + 4 : mid - w - 4} y={i * H + 13} text-anchor={c.value >= 0 ? 'start' : 'end'} font-size="11">{c.value.toFixed(3)}</text>
          </g>
        );
      })}
    </svg>
  );
}

export function ModelPage(props: { id: string; canWrite: boolean }) {
  const [version, setVersion] = useState<number | null>(null);
  const [data, setData] = useState<StudioModelVersionQuery | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [inputs, setInputs] = useState<Record<string, string>>({});
  const [pred, setPred] = useState<Pred | null>(null);
  const [rev, setRev] = useState(0); // bumped when an alias changed
  useEffect(() => {
    gql(ModelVersionQuery, { model: props.id, version }).then(setData).catch((e) => setError(e.message));
  }, [props.id, version, rev]);
  const mv = data?.modelVersion;
  if (!data && !error) return <main class="page"><p>Loading…</p></main>;
  if (!mv) return <main class="page"><h1>Model {props.id}</h1><p class="error" role="alert">{error ?? `There is no model ${props.id}, or you may not read it.`}</p></main>;
  const predict = async (e: Event) => {
    e.preventDefault();
    setError(null);
    const row: Record<string, unknown> = {};
    for (const f of mv.features) {
      const v = (inputs[f] ?? '').trim();
      if (v === '') continue;
      row[f] = v !== '' && !Number.isNaN(Number(v)) ? Number(v) : v === 'true' || v === 'false' ? v === 'true' : v;
    }
    try { setPred((await gql(PredictQuery, { model: mv.model, version: mv.version, inputs: [row] })).predict[0]); } catch (err) { setError((err as Error).message); }
  };
  return (
    <main class="page wide">
      <h1><Link href="/studio/models">Models</Link> / {mv.model} · version {mv.version}</h1>
      <p>
        <label>Version <select value={mv.version} onChange={(e) => setVersion(Number((e.target as HTMLSelectElement).value))}>
          {Array.from({ length: data!.model?.latestVersion ?? mv.version }, (_, i) => i + 1).reverse().map((v) => <option key={v} value={v}>v{v}</option>)}
        </select></label>
        {' '}· label <b>{mv.label}</b>{mv.positiveClass != null ? <> (positive: {String(mv.positiveClass)})</> : null} · {mv.rows} rows · aliases: {mv.aliases.length ? mv.aliases.join(', ') : 'none'}
      </p>
      <section aria-labelledby="lineage-h">
        <h2 id="lineage-h">Lineage</h2>
        <dl class="lineage">
          <dt>Dataset</dt><dd><Link href={`/studio/datasets/${encodeURIComponent(mv.dataset)}`}>{mv.dataset}</Link>, version {mv.datasetVersion}</dd>
          <dt>Snapshot</dt><dd>{mv.snapshotSha256 ? <code title={mv.snapshotSha256}>sha256 {mv.snapshotSha256}</code> : 'none (trained before snapshots)'}</dd>
          <dt>Trained</dt><dd>{new Date(mv.createdAt).toLocaleString()} by {mv.createdBy} (job {mv.job})</dd>
        </dl>
      </section>
      <Aliases model={mv.model} version={mv.version} latest={data!.model?.latestVersion ?? mv.version} aliases={data!.model?.aliases ?? []} canWrite={props.canWrite} onChanged={() => setRev((r) => r + 1)} />
      {mv.warnings.length > 0 && <ul class="error">{mv.warnings.map((w) => <li key={w}>{w}</li>)}</ul>}
      {error && <p class="error" role="alert">{error}</p>}
      <section aria-labelledby="met-h">
        <h2 id="met-h">Metrics</h2>
        <table class="grid">
          <thead><tr><th scope="col">Metric</th><th scope="col">Train</th><th scope="col">Test</th></tr></thead>
          <tbody>{METRICS.map(([k, name]) => (
            <tr key={k}><td>{name}</td><td>{k === 'rows' ? mv.train.rows : f3(mv.train[k] as number)}</td><td>{mv.test ? (k === 'rows' ? mv.test.rows : f3(mv.test[k] as number)) : '—'}</td></tr>
          ))}</tbody>
        </table>
      </section>
      <section aria-labelledby="plots-h">
        <h2 id="plots-h">Plots</h2>
        <div class="plots">
          <Plot model={mv.model} version={mv.version} name="roc" title="ROC curve" />
          <Plot model={mv.model} version={mv.version} name="pr" title="Precision-recall curve" />
          <Plot model={mv.model} version={mv.version} name="calibration" title="Calibration" />
        </div>
      </section>
      <div class="two">
        <section aria-labelledby="coef-h">
          <h2 id="coef-h">Coefficients</h2>
          <p class="hint">Intercept {mv.intercept.toFixed(3)}; in the model's input space (standardized numbers, one-hot categories).</p>
          <Coefficients coefs={mv.coefficients} />
        </section>
        <section aria-labelledby="pred-h">
          <h2 id="pred-h">Predict</h2>
          <form onSubmit={predict} class="predict">
            {mv.features.map((f) => (
              <label key={f}>{f} <input aria-label={f} value={inputs[f] ?? ''} onInput={(e) => setInputs({ ...inputs, [f]: (e.target as HTMLInputElement).value })} /></label>
            ))}
            <button type="submit" class="primary">Predict</button>
          </form>
          {pred && (
            <div role="status" class="prediction">
              {pred.error ? <p class="error">{pred.error}</p> : <p>Probability <b>{f3(pred.probability)}</b> · label <b>{String(pred.label)}</b></p>}
              {pred.warnings.map((w) => <p class="hint" key={w}>{w}</p>)}
              {pred.contributions && (
                <table class="grid"><thead><tr><th scope="col">Feature</th><th scope="col">Contribution</th></tr></thead>
                  <tbody>{[...pred.contributions].sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).map((c) => <tr key={c.feature}><td>{c.feature}</td><td>{c.value.toFixed(3)}</td></tr>)}</tbody>
                </table>
              )}
            </div>
          )}
        </section>
      </div>
    </main>
  );
}

/**
 * A model's aliases: the list, and for owners and editors a form to set or move
 * one (setModelAlias) and a button to remove one (removeModelAlias).
 */
function Aliases(props: { model: string; version: number; latest: number; aliases: { alias: string; version: number }[]; canWrite: boolean; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [target, setTarget] = useState(props.version);
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setTarget(props.version), [props.version]);
  const act = async (f: () => Promise<string>) => {
    setMsg(null); setError(null);
    try { setMsg(await f()); props.onChanged(); } catch (e) { setError((e as Error).message); }
  };
  const set = (alias: string, version: number) => act(async () => {
    const before = props.aliases.find((a) => a.alias === alias);
    await gql(SetAliasMutation, { model: props.model, alias, version });
    return before ? `Moved ${alias} from v${before.version} to v${version}.` : `Set ${alias} to v${version}.`;
  });
  const remove = (alias: string) => act(async () => {
    await gql(RemoveAliasMutation, { model: props.model, alias });
    return `Removed ${alias}.`;
  });
  return (
    <section aria-labelledby="alias-h">
      <h2 id="alias-h">Aliases</h2>
      {props.aliases.length === 0 && <p class="hint">No alias points at a version of {props.model}.</p>}
      {props.aliases.length > 0 && (
        <table class="grid">
          <thead><tr><th scope="col">Alias</th><th scope="col">Version</th>{props.canWrite && <th scope="col"><span class="sr-only">Actions</span></th>}</tr></thead>
          <tbody>{props.aliases.map((a) => (
            <tr key={a.alias}>
              <td>{a.alias}</td><td>v{a.version}</td>
              {props.canWrite && <td><div class="row">
                {a.version !== props.version && <button type="button" onClick={() => set(a.alias, props.version)}>Move<span class="sr-only"> {a.alias}</span> to v{props.version}</button>}
                <button type="button" onClick={() => remove(a.alias)}>Remove<span class="sr-only"> {a.alias}</span></button>
              </div></td>}
            </tr>
          ))}</tbody>
        </table>
      )}
      {props.canWrite && (
        <form class="row" onSubmit={(e) => {
          e.preventDefault();
          const alias = name.trim();
          if (!/^[a-z][a-z0-9_-]{0,31}$/.test(alias)) { setMsg(null); setError('An alias is 1-32 lower-case letters, digits, - or _, starting with a letter (e.g. production).'); return; }
          set(alias, target).then(() => setName(''));
        }}>
          <label>Alias <input aria-label="Alias" value={name} placeholder="production" onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
          <label>Points at <select aria-label="Points at" value={target} onChange={(e) => setTarget(Number((e.target as HTMLSelectElement).value))}>
            {Array.from({ length: props.latest }, (_, i) => props.latest - i).map((v) => <option key={v} value={v}>v{v}</option>)}
          </select></label>
          <button type="submit" class="primary">Set alias</button>
        </form>
      )}
      {msg && <p role="status" class="ok">{msg}</p>}
      {error && <p role="alert" class="error">{error}</p>}
    </section>
  );
}
