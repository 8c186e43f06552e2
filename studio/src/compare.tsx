// Side-by-side annotations of one item, and the gold decision (editors and owners).
import { useState } from 'preact/hooks';
import { gql } from './api';
import type { StudioReviewItemQuery } from './gql/graphql';
import { TextIndex } from './offsets';
import { ReviewItemQuery, SaveGoldMutation } from './ops';
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

export function Compare(props: { task: string }) {
  const [doc, setDoc] = useState('');
  const [item, setItem] = useState<RI | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [msg, setMsg] = useState<string | null>(null);
  const load = async (d = doc, keepMsg = false) => {
    setError(null);
    if (!keepMsg) setMsg(null);
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
      setMsg(`${a.annotator}'s annotation is now the gold version of ${item.document}.`);
      await load(item.document, true);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  const idx = item ? new TextIndex(item.text) : null;
  const labels = item ? [...new Set([...item.annotations.flatMap((a) => a.spans.map((s) => s.label)), ...(item.gold?.spans.map((s) => s.label) ?? [])])].sort() : [];
  return (
    <section aria-labelledby="cmp-h">
      <h2 id="cmp-h">Compare an item's annotations</h2>
      <form class="row" onSubmit={(e) => { e.preventDefault(); load(); }}>
        <label>Document key <input aria-label="Document key" value={doc} onInput={(e) => setDoc((e.target as HTMLInputElement).value)} /></label>
        <button type="submit">Compare</button>
      </form>
      {error && <p class="error" role="alert">{error}</p>}
      {msg && <p class="ok" role="status">{msg}</p>}
      {item && idx && (
        <div class="compare">
          {[...item.annotations.map((a) => ({ a, gold: false })), ...(item.gold ? [{ a: item.gold as Ann, gold: true }] : [])].map(({ a, gold }) => (
            <div class="card" key={(gold ? 'gold:' : '') + a.annotator}>
              <h3>{gold ? 'Gold' : a.annotator} <small>{gold ? '' : a.status} · v{a.version}</small></h3>
              <Highlighted idx={idx} spans={a.spans} labels={labels} name={`${gold ? 'Gold' : a.annotator} annotation of ${item.document}`} />
              <p class="hint">{a.spans.length} spans · {a.relations.length} relations · labels: {a.labels.join(', ') || 'none'}</p>
              {!gold && <button type="button" onClick={() => useAsGold(a)}>Use as gold<span class="sr-only"> ({a.annotator})</span></button>}
            </div>
          ))}
          {item.annotations.length === 0 && <p class="hint">Nobody has annotated {item.document} yet.</p>}
        </div>
      )}
    </section>
  );
}
