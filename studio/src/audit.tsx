// The audit log (admins): records with filters and paging, and the chain's verification.
import { useEffect, useState } from 'preact/hooks';
import { gql } from './api';
import type { StudioAuditQuery, StudioVerifyAuditQuery } from './gql/graphql';
import { AuditQuery, VerifyAuditQuery } from './ops';

type Log = StudioAuditQuery['auditLog'];
type Verification = StudioVerifyAuditQuery['verifyAudit'];
const PAGE = 50;
const FIELDS = ['actor', 'action', 'resource', 'decision'] as const;
type Filter = Record<(typeof FIELDS)[number], string>;

export function Audit() {
  const [filter, setFilter] = useState<Filter>({ actor: '', action: '', resource: '', decision: '' });
  const [applied, setApplied] = useState<Filter>(filter);
  const [log, setLog] = useState<Log | null>(null);
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [ver, setVer] = useState<Verification | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const load = async (after: string | null) => {
    setError(null);
    const where: Record<string, string> = {};
    for (const f of FIELDS) if (applied[f].trim()) where[f] = applied[f].trim();
    try {
      setLog((await gql(AuditQuery, { where, first: PAGE, after })).auditLog);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  useEffect(() => { setCursors([null]); load(null); }, [applied]);
  const verify = async () => {
    setVerifying(true);
    try { setVer((await gql(VerifyAuditQuery)).verifyAudit); } catch (e) { setError((e as Error).message); } finally { setVerifying(false); }
  };
  return (
    <main class="page wide">
      <h1>Audit log</h1>
      <section aria-labelledby="ver-h">
        <h2 id="ver-h">Chain verification</h2>
        <div class="row">
          <button type="button" onClick={verify} disabled={verifying}>{verifying ? 'Verifying…' : 'Verify the chain'}</button>
          {ver && (
            <p role="status" class={ver.ok ? 'ok' : 'error'}>
              {ver.ok ? `Intact: ${ver.checked} records checked` : `Broken at record ${ver.firstBrokenSeq ?? ver.firstBadCheckpoint}`}
              {ver.signed ? `, ${ver.checkpoints} signed checkpoints` : ', no signed checkpoints'}
              {ver.checkpointProblem ? ` — ${ver.checkpointProblem}` : ''}.
            </p>
          )}
        </div>
      </section>
      <form class="row filter" onSubmit={(e) => { e.preventDefault(); setApplied({ ...filter }); }}>
        {FIELDS.map((f) => (
          <label key={f}>{f[0].toUpperCase() + f.slice(1)} <input aria-label={f[0].toUpperCase() + f.slice(1)} value={filter[f]} onInput={(e) => setFilter({ ...filter, [f]: (e.target as HTMLInputElement).value })} /></label>
        ))}
        <button type="submit">Filter</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {log && (
        <>
          <p class="hint">{log.totalCount} records · page {cursors.length}</p>
          <div class="scroll" tabIndex={0} role="region" aria-label="Audit records">
            <table class="grid docs">
              <thead><tr><th scope="col">Seq</th><th scope="col">Time</th><th scope="col">Actor</th><th scope="col">Team</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">Decision</th><th scope="col">Summary</th></tr></thead>
              <tbody>{log.edges.map(({ node: r }) => (
                <tr key={r.seq} class={r.decision === 'deny' ? 'deny' : ''}>
                  <td>{r.seq}</td><td>{new Date(r.at).toLocaleString()}</td><td>{r.actor}</td><td>{r.team ?? ''}</td><td>{r.action}</td>
                  <td>{r.resource}</td><td>{r.decision}</td><td title={r.summary ?? ''}>{r.summary ?? ''}</td>
                </tr>
              ))}</tbody>
            </table>
          </div>
          <div class="row">
            <button type="button" disabled={cursors.length <= 1} onClick={() => { const c = cursors.slice(0, -1); setCursors(c); load(c[c.length - 1]); }}>Previous page</button>
            <button type="button" disabled={!log.pageInfo.hasNextPage} onClick={() => { const c = [...cursors, log.pageInfo.endCursor ?? null]; setCursors(c); load(c[c.length - 1]); }}>Next page</button>
          </div>
        </>
      )}
    </main>
  );
}
