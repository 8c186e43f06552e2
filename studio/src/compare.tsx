// A task's review queue, one item's annotations side by side, and the gold
// decision (owners, editors and reviewers).
import { useEffect, useState } from 'preact/hooks';
import { gql } from './api';
import type { ReviewFilter, StudioReviewItemQuery, StudioReviewQueueQuery } from './gql/graphql';
import { TextIndex } from './offsets';
import { ReviewItemQuery, ReviewQueueQuery, SaveGoldMutation } from './ops';
import { segments } from './segments';
import { sortSpans, type Span } from './state';

type RI = StudioReviewItemQuery['reviewItem'];
type Ann = RI['annotations'][number];

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf', '#ff7f0e'];

/** Read-only text with an annotation's spans highlighted (code points converted here, via TextIndex). */
function Highlighted(props: { idx: TextIndex; spans: Span[]; labels: string[]; name: string }) {
  const spans = sortSpans([...props.spans]);
  const segs = segments(props.idx.length, spans, [], { start: 0, end: 0 });
  const color = (l: string) => PALETTE[Math.max(0, props.labels.indexOf(l)) % PALETTE.length];
  return (
    <div class="doctext small" role="region" aria-label={props.name}>
      {segs.map((g) => {
        const text = props.idx.slice(g.start, g.end);
        if (!g.cover.length) return <span key={g.start}>{text}</span>;
        const inner = spans[g.cover[g.cover.length - 1]];
        const shadows = g.cover.map((k, d) => `inset 0 -${(d + 1) * 3}px 0 ${color(spans[k].label)}`).reverse().join(',');
        const tags = g.ends.map((k) => spans[k].label).reverse().join(' · ');
        return <span key={g.start} class="seg hl" data-tags={tags || undefined} style={`background:${color(inner.label)}26;box-shadow:${shadows}`}>{text}</span>;
      })}
    </div>
  );
}

type QueueItem = StudioReviewQueueQuery['reviewQueue']['edges'][number]['node'];
type Filter = 'TO_REVIEW' | 'DISAGREE' | 'REVIEWED' | 'ALL';
const FILTERS: [Filter, string][] = [['TO_REVIEW', 'To review'], ['DISAGREE', 'Annotators disagree'], ['REVIEWED', 'Reviewed (gold)'], ['ALL', 'All annotated']];
const QUEUE_PAGE = 20;

/** The task's review queue (reviewQueue): a page of annotated items, filtered, each opened beside the others. */
function Queue(props: { task: string; name: (id: string) => string; open: (doc: string) => void; rev: number; current: string | null }) {
  const [filter, setFilter] = useState<Filter>('TO_REVIEW');
  const [after, setAfter] = useState<(string | null)[]>([null]); // cursors of the pages seen, for Previous
  const [page, setPage] = useState<StudioReviewQueueQuery['reviewQueue'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const cursor = after[after.length - 1];
  useEffect(() => {
    setError(null);
    gql(ReviewQueueQuery, { task: props.task, filter: filter as ReviewFilter, first: QUEUE_PAGE, after: cursor })
      .then((d) => setPage(d.reviewQueue)).catch((e) => setError((e as Error).message));
  }, [props.task, filter, cursor, props.rev]);
  const items: QueueItem[] = page?.edges.map((e) => e.node) ?? [];
  const agree = (it: QueueItem) => (it.agree == null ? '—' : it.agree ? 'yes' : 'no');
  return (
    <div class="queue">
      <div class="row">
        <label>Show <select value={filter} onChange={(e) => { setFilter((e.target as HTMLSelectElement).value as Filter); setAfter([null]); }}>
          {FILTERS.map(([f, l]) => <option key={f} value={f}>{l}</option>)}
        </select></label>
        {page && <span class="hint" aria-live="polite">{page.totalCount} item{page.totalCount === 1 ? '' : 's'}</span>}
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {page && items.length === 0 && <p class="hint">{filter === 'TO_REVIEW' ? 'Nothing waits for review: every submitted item has a gold version, or nothing is submitted yet.' : 'No item matches.'}</p>}
      {items.length > 0 && (
        <div class="scroll" role="region" aria-label="Review queue" tabIndex={0}>
          <table class="grid">
            <thead><tr><th scope="col">Document</th><th scope="col">Submitted by</th><th scope="col">Drafts</th><th scope="col">Agree</th><th scope="col">Gold</th><th scope="col">Last saved</th></tr></thead>
            <tbody>{items.map((it) => (
              <tr key={it.document} class={it.document === props.current ? 'sel' : undefined}>
                <td><button type="button" class="link" aria-label={`Open ${it.document}`} aria-current={it.document === props.current ? 'true' : undefined} onClick={() => props.open(it.document)}>{it.document}</button></td>
                <td>{it.annotators.map(props.name).join(', ') || '—'}</td><td>{it.drafts}</td>
                <td class={it.agree === false ? 'warn' : undefined}>{agree(it)}</td><td>{it.gold ? 'yes' : 'no'}</td>
                <td>{new Date(it.updatedAt).toLocaleString()}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
      {page && (after.length > 1 || page.pageInfo.hasNextPage) && (
        <div class="row">
          <button type="button" disabled={after.length <= 1} onClick={() => setAfter(after.slice(0, -1))}>Previous page</button>
          <button type="button" disabled={!page.pageInfo.hasNextPage} onClick={() => setAfter([...after, page.pageInfo.endCursor ?? null])}>Next page</button>
        </div>
      )}
    </div>
  );
}

/**
 * Review of a task's items: the queue, and one item's annotations side by side
 * with "Use as gold" (saveGold). name shows a principal id as people know it;
 * onGold tells the page a gold version was saved (its counts change).
 */
export function Compare(props: { task: string; name?: (id: string) => string; onGold?: () => void }) {
  const name = props.name ?? ((id: string) => id);
  const [doc, setDoc] = useState('');
  const [item, setItem] = useState<RI | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const [rev, setRev] = useState(0); // bumped after a gold save, to reload the queue
  const load = async (d = doc, keepMsg = false) => {
    setError(null);
    if (!keepMsg) setMsg(null);
    setDoc(d);
    try { setItem((await gql(ReviewItemQuery, { task: props.task, document: d.trim() })).reviewItem); } catch (e) { setError((e as Error).message); setItem(null); }
  };
  const useAsGold = async (a: Ann) => {
    if (!item) return;
    setError(null); setMsg(null);
    try {
      const idx = new TextIndex(item.text);
      for (const sp of a.spans) { const bad = idx.check(sp.start, sp.end, sp.text); if (bad) throw new Error(`span ${sp.id}: ${bad}`); }
      await gql(SaveGoldMutation, { input: {
        task: item.task, document: item.document, version: item.gold?.version ?? null,
        spans: a.spans.map((s) => ({ id: s.id, start: s.start, end: s.end, label: s.label, text: s.text })),
        relations: a.relations.map((r) => ({ type: r.type, head: r.head, tail: r.tail })),
        events: a.events.map((e) => ({ type: e.type, trigger: e.trigger, arguments: e.arguments.map((g) => ({ role: g.role, span: g.span })) })),
        labels: a.labels,
      } });
      setMsg(`${name(a.annotator)}'s annotation is now the gold version of ${item.document}.`);
      setRev((r) => r + 1);
      props.onGold?.();
      await load(item.document, true);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const idx = item ? new TextIndex(item.text) : null;
  const labels = item ? [...new Set([...item.annotations.flatMap((a) => a.spans.map((s) => s.label)), ...(item.gold?.spans.map((s) => s.label) ?? [])])].sort() : [];
  return (
    <section aria-labelledby="cmp-h">
      <h2 id="cmp-h">Review items</h2>
      <p class="hint">Open an item to see every annotator's version side by side, then make one the gold version.</p>
      <Queue task={props.task} name={name} open={(d) => load(d)} rev={rev} current={item?.document ?? null} />
      <form class="row byKey" onSubmit={(e) => { e.preventDefault(); load(); }}>
        <label>Or open a document by key <input aria-label="Document key" value={doc} onInput={(e) => setDoc((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Compare</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {msg && <p class="ok" role="status">{msg}</p>}
      {item && idx && (
        <div class="compare">
          {[...item.annotations.map((a) => ({ a, gold: false })), ...(item.gold ? [{ a: item.gold as Ann, gold: true }] : [])].map(({ a, gold }) => (
            <div class="card" key={(gold ? 'gold:' : '') + a.annotator}>
              <h3>{gold ? 'Gold' : name(a.annotator)} <small>{gold ? '' : a.status} · v{a.version}</small></h3>
              <Highlighted idx={idx} spans={a.spans} labels={labels} name={`${gold ? 'Gold' : name(a.annotator)} annotation of ${item.document}`} />
              <p class="hint">{a.spans.length} spans · {a.relations.length} relations · labels: {a.labels.join(', ') || 'none'}</p>
              {!gold && <button type="button" onClick={() => useAsGold(a)}>Use as gold<span class="sr-only"> ({name(a.annotator)})</span></button>}
            </div>
          ))}
          {item.annotations.length === 0 && <p class="hint">Nobody has annotated {item.document} yet.</p>}
        </div>
      )}
    </section>
  );
}
