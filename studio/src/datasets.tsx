// Datasets: the list, and one dataset's schema, history (versions, ingestions,
// quality report; see quality.tsx), sharing and documents (filters, ordering, paging).
import { useEffect, useState } from 'preact/hooks';
import { gql } from './api';
import type { StudioDatasetQuery, StudioDatasetsQuery, StudioDocumentsQuery } from './gql/graphql';
import { filterValue } from './filters';
import { Link } from './main';
import { DatasetQuery, DatasetsQuery, DocumentsQuery } from './ops';
import { Shares } from './sharing';
import { DatasetHistory } from './quality';

type DS = StudioDatasetsQuery['datasets']['edges'][number]['node'];

/** The datasets the caller may read; canCreate offers New dataset (owners, editors, admins). */
export function Datasets(props: { canCreate: boolean }) {
  const [list, setList] = useState<DS[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => { gql(DatasetsQuery).then((d) => setList(d.datasets.edges.map((e) => e.node))).catch((e) => setError(e.message)); }, []);
  return (
    <main class="page">
      <h1>Datasets</h1>
      {props.canCreate && <p><Link href="/studio/new-dataset" class="button">New dataset</Link></p>}
      {error && <p class="error" role="alert">{error}</p>}
      {!list && !error && <p>Loading…</p>}
      {list && list.length === 0 && <p>No datasets you may read{props.canCreate ? ': create one, then upload a file (CSV, NDJSON or JSON) on its page' : ''}.</p>}
      {list && list.length > 0 && (
        <table class="grid">
          <thead><tr><th scope="col">Dataset</th><th scope="col">Name</th><th scope="col">Team</th><th scope="col">Version</th><th scope="col">Documents</th><th scope="col">Updated</th></tr></thead>
          <tbody>{list.map((d) => (
            <tr key={d.id}>
              <td><Link href={`/studio/datasets/${encodeURIComponent(d.id)}`}>{d.id}</Link></td>
              <td>{d.name}</td><td>{d.team}</td><td>{d.version}</td><td>{d.documentCount}</td><td>{new Date(d.updatedAt).toLocaleString()}</td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </main>
  );
}

type Dataset = NonNullable<StudioDatasetQuery['dataset']>;
type Docs = StudioDocumentsQuery['documents'];
const OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'regex', 'exists'];
const PAGE = 25;

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function DatasetPage(props: { id: string; canShare: boolean; canWrite: boolean }) {
  const [rev, setRev] = useState(0); // bumped when an ingestion started here ends
  const [ds, setDs] = useState<Dataset | null | undefined>(undefined);
  const [docs, setDocs] = useState<Docs | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [filter, setFilter] = useState({ field: '', op: 'eq', value: '' });
  const [applied, setApplied] = useState<{ field: string; op: string; value: string } | null>(null);
  const [order, setOrder] = useState<{ field: string; desc: boolean } | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]); // the after cursor of each page seen

  useEffect(() => { gql(DatasetQuery, { id: props.id }).then((d) => setDs(d.dataset ?? null)).catch((e) => setError(e.message)); }, [props.id, rev]);
  const load = async (after: string | null) => {
    setError(null);
    try {
      const d = await gql(DocumentsQuery, {
        dataset: props.id, first: PAGE, after,
        where: applied && applied.field ? [{ field: applied.field, op: applied.op, value: filterValue(applied.op, applied.value) }] : null,
        orderBy: order ? [{ field: order.field, desc: order.desc }] : null,
      });
      setDocs(d.documents);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => { setCursors([null]); load(null); }, [props.id, applied, order, rev]);

  if (ds === undefined && !error) return <main class="page"><p>Loading…</p></main>;
  if (!ds) return <main class="page"><h1>Dataset {props.id}</h1><p class="error" role="alert">{error ?? `There is no dataset ${props.id}, or you may not read it.`}</p></main>;
  const cols = ds.fields.map((f) => f.name);
  const page = cursors.length;
  return (
    <main class="page wide">
      <h1><Link href="/studio/datasets">Datasets</Link> / {ds.id}</h1>
      <p>{ds.name}{ds.description ? ` — ${ds.description}` : ''} · team <b>{ds.team}</b> · version {ds.version} · {ds.documentCount} documents{ds.keyField ? ` · key ${ds.keyField}` : ''}</p>
      <section aria-labelledby="schema-h">
        <h2 id="schema-h">Schema</h2>
        <table class="grid">
          <thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Checks</th><th scope="col">Sensitive</th></tr></thead>
          <tbody>{ds.fields.map((f) => (
            <tr key={f.name}>
              <td>{f.name}</td><td>{f.type}</td><td>{f.required ? 'yes' : ''}</td>
              <td>{[f.min != null && `≥ ${f.min}`, f.max != null && `≤ ${f.max}`, f.enum && `one of ${f.enum.join(', ')}`, f.pattern && `matches ${f.pattern}`, f.unit && `in ${f.unit}`].filter(Boolean).join('; ')}</td>
              <td>{f.sensitive ? 'sensitive' : ''}</td>
            </tr>
          ))}</tbody>
        </table>
      </section>
      <DatasetHistory dataset={ds.id} canWrite={props.canWrite} rev={rev} onIngested={() => setRev((r) => r + 1)} />
      {props.canShare && <Shares dataset={ds.id} fields={cols} />}
      <section aria-labelledby="docs-h">
        <h2 id="docs-h">Documents</h2>
        <form class="row filter" onSubmit={(e) => { e.preventDefault(); setApplied({ ...filter }); }}>
          <label>Field <select aria-label="Field" value={filter.field} onChange={(e) => setFilter({ ...filter, field: (e.target as HTMLSelectElement).value })}>
            <option value="">(none)</option>{cols.map((c) => <option key={c}>{c}</option>)}
          </select></label>
          <label>Operator <select aria-label="Operator" value={filter.op} onChange={(e) => setFilter({ ...filter, op: (e.target as HTMLSelectElement).value })}>
            {OPS.map((o) => <option key={o}>{o}</option>)}
          </select></label>
          <label>Value <input aria-label="Value" value={filter.value} onInput={(e) => setFilter({ ...filter, value: (e.target as HTMLInputElement).value })} /></label>
          <button type="submit">Filter</button>
          {applied && <button type="button" class="link" onClick={() => { setFilter({ field: '', op: 'eq', value: '' }); setApplied(null); }}>Clear filter</button>}
        </form>
        {error && <p class="error" role="alert">{error}</p>}
        {docs && (
          <>
            <p class="hint">{docs.totalCount} document{docs.totalCount === 1 ? '' : 's'}{applied?.field ? (docs.totalCount === 1 ? ' matches' : ' match') : ''} · page {page}</p>
            <div class="scroll" tabIndex={0} role="region" aria-label="Documents table">
              <table class="grid docs">
                <thead><tr>
                  <th scope="col">key</th>
                  {cols.map((c) => (
                    <th scope="col" key={c} aria-sort={order?.field === c ? (order.desc ? 'descending' : 'ascending') : undefined}>
                      <button type="button" class="link" onClick={() => setOrder(order?.field === c && !order.desc ? { field: c, desc: true } : { field: c, desc: false })}>
                        {c}{order?.field === c ? (order.desc ? ' ▼' : ' ▲') : ''}
                      </button>
                    </th>
                  ))}
                </tr></thead>
                <tbody>{docs.edges.map(({ node }) => {
                  const f = (node.fields ?? {}) as Record<string, unknown>;
                  return <tr key={node.key}><td>{node.key}</td>{cols.map((c) => <td key={c}>{cell(f[c])}</td>)}</tr>;
                })}</tbody>
              </table>
            </div>
            <div class="row">
              <button type="button" disabled={page <= 1} onClick={() => { const c = cursors.slice(0, -1); setCursors(c); load(c[c.length - 1]); }}>Previous page</button>
              <button type="button" disabled={!docs.pageInfo.hasNextPage} onClick={() => { const c = [...cursors, docs.pageInfo.endCursor ?? null]; setCursors(c); load(c[c.length - 1]); }}>Next page</button>
            </div>
          </>
        )}
      </section>
    </main>
  );
}
