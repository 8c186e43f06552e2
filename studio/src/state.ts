// The workspace's state and its reducer: pure, in code points throughout
// (TextIndex converts at the DOM boundary), so that it is unit-tested.
import { TextIndex } from './offsets';

export interface Span { id: string; start: number; end: number; label: string; text: string }
export interface Relation { type: string; head: string; tail: string }
export interface EventArg { role: string; span: string }
export interface Ev { type: string; trigger: string; arguments: EventArg[] }
export interface Schema {
  entities: string[];
  relations: { name: string; head: string[]; tail: string[] }[];
  events: { name: string; trigger: string; roles: { name: string; labels: string[] }[] }[];
  classes: string[];
  multiLabel: boolean;
}

export interface State {
  idx: TextIndex;
  schema: Schema;
  spans: Span[]; // sorted by (start, -end, id)
  relations: Relation[];
  events: Ev[];
  labels: string[];
  /** Selection in code points: anchor and focus (caret = focus). */
  anchor: number;
  focus: number;
  selectedSpan: string | null;
  selectedRelation: number | null;
  /** Relation being built: head chosen, tail candidate, waiting for a type. */
  relHead: string | null;
  relTail: string | null;
  /** Only relations touching the selected span are listed. */
  filterRelations: boolean;
  dirty: boolean;
  seq: number;
  error: string | null;
}

export type Action =
  | { type: 'select'; anchor: number; focus: number }
  | { type: 'caret'; delta: -1 | 1; extend: boolean; word?: boolean }
  | { type: 'caretEdge'; end: boolean; extend: boolean }
  | { type: 'label'; label: string }
  | { type: 'addSpan'; label: string }
  | { type: 'addSpans'; spans: Span[] }
  | { type: 'relabel'; id: string; label: string }
  | { type: 'deleteSpan'; id: string }
  | { type: 'selectSpan'; id: string | null }
  | { type: 'cycleSpan'; delta: -1 | 1 }
  | { type: 'startRelation' }
  | { type: 'setTail'; id: string }
  | { type: 'addRelation'; relType: string }
  | { type: 'selectRelation'; index: number | null }
  | { type: 'cycleRelation'; delta: -1 | 1 }
  | { type: 'deleteRelation'; index: number }
  | { type: 'toggleClass'; name: string }
  | { type: 'addEvent'; evType: string; trigger: string }
  | { type: 'setEventArg'; index: number; role: string; span: string | null }
  | { type: 'deleteEvent'; index: number }
  | { type: 'filterRelations'; on: boolean }
  | { type: 'escape' }
  | { type: 'saved' }
  | { type: 'error'; message: string | null };

export interface Saved { spans: Span[]; relations: Relation[]; events: Ev[]; labels: string[] }

export function init(text: string, schema: Schema, saved?: Saved | null): State {
  const spans = sortSpans((saved?.spans ?? []).map((s) => ({ id: s.id, start: s.start, end: s.end, label: s.label, text: s.text })));
  return {
    idx: new TextIndex(text),
    schema,
    spans,
    relations: (saved?.relations ?? []).map((r) => ({ type: r.type, head: r.head, tail: r.tail })),
    events: (saved?.events ?? []).map((e) => ({ type: e.type, trigger: e.trigger, arguments: e.arguments.map((a) => ({ role: a.role, span: a.span })) })),
    labels: [...(saved?.labels ?? [])],
    anchor: 0,
    focus: 0,
    selectedSpan: null,
    selectedRelation: null,
    relHead: null,
    relTail: null,
    filterRelations: true,
    dirty: false,
    seq: nextSeq(spans),
    error: null,
  };
}

function nextSeq(spans: Span[]): number {
  let n = 0;
  for (const s of spans) {
    const m = /^T(\d+)$/.exec(s.id);
    if (m) n = Math.max(n, Number(m[1]));
  }
  return n + 1;
}

export function sortSpans(spans: Span[]): Span[] {
  return spans.sort(compareSpans);
}

/** The spans' order: by start, then longer first (outermost), then id. */
function compareSpans(a: Span, b: Span): number {
  return a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** The selected range [start, end), snapped to grapheme clusters; empty when start == end. */
export function selection(s: State): [number, number] {
  return s.anchor === s.focus ? [s.focus, s.focus] : s.idx.snap(s.anchor, s.focus);
}

/** Relation types whose head and tail labels allow these spans. */
export function relationTypesFor(s: State, head: string, tail: string): string[] {
  const h = s.spans.find((x) => x.id === head), t = s.spans.find((x) => x.id === tail);
  if (!h || !t) return [];
  return s.schema.relations
    .filter((r) => (r.head.length === 0 || r.head.includes(h.label)) && (r.tail.length === 0 || r.tail.includes(t.label)))
    .map((r) => r.name);
}

/** Relations listed beside the text (with their index), filtered to the selected span when asked. */
export function visibleRelations(s: State): [Relation, number][] {
  const all = s.relations.map((r, i) => [r, i] as [Relation, number]);
  if (!s.filterRelations || !s.selectedSpan) return all;
  return all.filter(([r]) => r.head === s.selectedSpan || r.tail === s.selectedSpan);
}

function isSpace(ch: string): boolean {
  return /^\s+$/u.test(ch);
}

function moveWord(s: State, from: number, delta: -1 | 1): number {
  const idx = s.idx;
  let p = from;
  const step = (q: number) => (delta > 0 ? idx.next(q) : idx.prev(q));
  const charAt = (q: number) => (delta > 0 ? idx.slice(q, idx.next(q)) : idx.slice(idx.prev(q), q));
  // skip spaces, then non-spaces
  while ((delta > 0 ? p < idx.length : p > 0) && isSpace(charAt(p))) p = step(p);
  while ((delta > 0 ? p < idx.length : p > 0) && !isSpace(charAt(p))) p = step(p);
  return p;
}

export function reduce(s: State, a: Action): State {
  switch (a.type) {
    case 'select': {
      const [x, y] = a.anchor === a.focus ? [a.anchor, a.focus] : a.anchor <= a.focus ? s.idx.snap(a.anchor, a.focus) : s.idx.snap(a.focus, a.anchor).reverse();
      return { ...s, anchor: x, focus: y, selectedSpan: a.anchor === a.focus ? s.selectedSpan : null, selectedRelation: null, error: null };
    }
    case 'caret': {
      let f: number;
      if (!a.extend && s.anchor !== s.focus) {
        // collapse to the side moved to
        const [st, en] = selection(s);
        f = a.delta < 0 ? st : en;
      } else if (a.word) f = moveWord(s, s.focus, a.delta);
      else f = a.delta > 0 ? s.idx.next(s.focus) : s.idx.prev(s.focus);
      return { ...s, focus: f, anchor: a.extend ? s.anchor : f, selectedSpan: null, selectedRelation: null, error: null };
    }
    case 'caretEdge': {
      const f = a.end ? s.idx.length : 0;
      return { ...s, focus: f, anchor: a.extend ? s.anchor : f, selectedSpan: null, error: null };
    }
    case 'label': {
      // number key or label button: a new span from the selection, else relabel the selected span
      const [st, en] = selection(s);
      if (en > st) return reduce(s, { type: 'addSpan', label: a.label });
      if (s.selectedSpan) return reduce(s, { type: 'relabel', id: s.selectedSpan, label: a.label });
      return { ...s, error: 'Select some text first (mouse, or Shift+arrows in the text), then choose a label.' };
    }
    case 'addSpan': {
      const [st, en] = selection(s);
      if (en <= st) return { ...s, error: 'Select some text first.' };
      if (!s.schema.entities.includes(a.label)) return { ...s, error: `${a.label} is not a label of this schema.` };
      const dup = s.spans.find((x) => x.start === st && x.end === en && x.label === a.label);
      if (dup) return { ...s, selectedSpan: dup.id, anchor: en, focus: en, error: null };
      const id = `T${s.seq}`;
      const sp: Span = { id, start: st, end: en, label: a.label, text: s.idx.slice(st, en) };
      return { ...s, spans: insertSorted(s.spans, sp), seq: s.seq + 1, selectedSpan: id, anchor: en, focus: en, dirty: true, error: null };
    }
    case 'addSpans': {
      const have = new Set(s.spans.map((x) => x.id));
      const add = a.spans.filter((x) => !have.has(x.id));
      if (add.length === 0) return s;
      const spans = sortSpans([...s.spans, ...add]);
      return { ...s, spans, seq: Math.max(s.seq, nextSeq(spans)), dirty: true };
    }
    case 'relabel': {
      if (!s.schema.entities.includes(a.label)) return s;
      return { ...s, spans: s.spans.map((x) => (x.id === a.id ? { ...x, label: a.label } : x)), dirty: true, error: null };
    }
    case 'deleteSpan': {
      const spans = s.spans.filter((x) => x.id !== a.id);
      if (spans.length === s.spans.length) return s;
      const relations = s.relations.filter((r) => r.head !== a.id && r.tail !== a.id);
      const events = s.events
        .filter((e) => e.trigger !== a.id)
        .map((e) => ({ ...e, arguments: e.arguments.filter((g) => g.span !== a.id) }));
      return {
        ...s, spans, relations, events, dirty: true, error: null,
        selectedSpan: s.selectedSpan === a.id ? null : s.selectedSpan,
        selectedRelation: null,
        relHead: s.relHead === a.id ? null : s.relHead,
        relTail: s.relTail === a.id ? null : s.relTail,
      };
    }
    case 'selectSpan': {
      if (a.id && s.relHead && a.id !== s.relHead) return { ...s, relTail: a.id, selectedSpan: a.id, error: null };
      const sp = s.spans.find((x) => x.id === a.id);
      return { ...s, selectedSpan: sp ? sp.id : null, selectedRelation: null, anchor: sp ? sp.end : s.anchor, focus: sp ? sp.end : s.focus, error: null };
    }
    case 'cycleSpan': {
      if (s.spans.length === 0) return s;
      const cur = s.spans.findIndex((x) => x.id === (s.relHead ? s.relTail ?? s.relHead : s.selectedSpan));
      let i: number;
      if (cur < 0) {
        // from the caret
        i = a.delta > 0 ? s.spans.findIndex((x) => x.start >= s.focus) : findLastIndex(s.spans, (x) => x.start < s.focus);
        if (i < 0) i = a.delta > 0 ? 0 : s.spans.length - 1;
      } else i = (cur + a.delta + s.spans.length) % s.spans.length;
      if (s.relHead) {
        if (s.spans[i].id === s.relHead) i = (i + a.delta + s.spans.length) % s.spans.length;
        if (s.spans[i].id === s.relHead) return s;
        // a candidate tail: confirmed with Enter (or a click)
        return { ...s, relTail: null, selectedSpan: s.spans[i].id, error: null };
      }
      const sp = s.spans[i];
      return { ...s, selectedSpan: sp.id, selectedRelation: null, anchor: sp.end, focus: sp.end, error: null };
    }
    case 'startRelation': {
      if (!s.selectedSpan) return { ...s, error: 'Select the head span first (click it, or ] and [), then press r.' };
      if (s.schema.relations.length === 0) return { ...s, error: 'This schema has no relation types.' };
      return { ...s, relHead: s.selectedSpan, relTail: null, error: null };
    }
    case 'setTail': {
      if (!s.relHead || a.id === s.relHead) return s;
      return { ...s, relTail: a.id, selectedSpan: a.id, error: null };
    }
    case 'addRelation': {
      if (!s.relHead || !s.relTail) return s;
      if (!relationTypesFor(s, s.relHead, s.relTail).includes(a.relType)) return { ...s, error: `${a.relType} does not allow these spans' labels.` };
      const r: Relation = { type: a.relType, head: s.relHead, tail: s.relTail };
      const exists = s.relations.findIndex((x) => x.type === r.type && x.head === r.head && x.tail === r.tail);
      const relations = exists >= 0 ? s.relations : [...s.relations, r];
      return { ...s, relations, selectedRelation: exists >= 0 ? exists : relations.length - 1, selectedSpan: r.head, relHead: null, relTail: null, dirty: true, error: null };
    }
    case 'selectRelation':
      return { ...s, selectedRelation: a.index, error: null };
    case 'cycleRelation': {
      const vis = visibleRelations(s);
      if (vis.length === 0) return s;
      const cur = vis.findIndex(([, i]) => i === s.selectedRelation);
      const j = cur < 0 ? (a.delta > 0 ? 0 : vis.length - 1) : (cur + a.delta + vis.length) % vis.length;
      return { ...s, selectedRelation: vis[j][1] };
    }
    case 'deleteRelation': {
      if (a.index < 0 || a.index >= s.relations.length) return s;
      const relations = s.relations.filter((_, i) => i !== a.index);
      return { ...s, relations, selectedRelation: null, dirty: true };
    }
    case 'toggleClass': {
      if (!s.schema.classes.includes(a.name)) return s;
      const on = s.labels.includes(a.name);
      const labels = on ? s.labels.filter((x) => x !== a.name) : s.schema.multiLabel ? [...s.labels, a.name] : [a.name];
      return { ...s, labels, dirty: true };
    }
    case 'addEvent': {
      const et = s.schema.events.find((e) => e.name === a.evType);
      const tr = s.spans.find((x) => x.id === a.trigger);
      if (!et || !tr) return s;
      if (tr.label !== et.trigger) return { ...s, error: `A ${et.name} event's trigger must be a ${et.trigger} span.` };
      return { ...s, events: [...s.events, { type: et.name, trigger: tr.id, arguments: [] }], dirty: true, error: null };
    }
    case 'setEventArg': {
      const ev = s.events[a.index];
      const role = ev && s.schema.events.find((e) => e.name === ev.type)?.roles.find((r) => r.name === a.role);
      if (!ev || !role) return s;
      if (a.span) {
        const sp = s.spans.find((x) => x.id === a.span);
        if (!sp || sp.id === ev.trigger) return { ...s, error: `The ${a.role} of a ${ev.type} event must be another span of this item.` };
        if (role.labels.length > 0 && !role.labels.includes(sp.label)) return { ...s, error: `The ${a.role} of a ${ev.type} event must be a ${role.labels.join(' or ')} span, not ${sp.label}.` };
      }
      const events = s.events.map((e, i) => {
        if (i !== a.index) return e;
        const args = e.arguments.filter((g) => g.role !== a.role);
        if (a.span) args.push({ role: a.role, span: a.span });
        return { ...e, arguments: args };
      });
      return { ...s, events, dirty: true, error: null };
    }
    case 'deleteEvent':
      return { ...s, events: s.events.filter((_, i) => i !== a.index), dirty: true };
    case 'filterRelations':
      return { ...s, filterRelations: a.on };
    case 'escape':
      if (s.relHead) return { ...s, relHead: null, relTail: null, error: null };
      return { ...s, anchor: s.focus, selectedSpan: null, selectedRelation: null, error: null };
    case 'saved':
      return { ...s, dirty: false };
    case 'error':
      return { ...s, error: a.message };
  }
}

/** A copy of the sorted spans with sp in its place (a binary search, not a sort). */
function insertSorted(spans: Span[], sp: Span): Span[] {
  let lo = 0, hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareSpans(spans[mid], sp) <= 0) lo = mid + 1; else hi = mid;
  }
  return [...spans.slice(0, lo), sp, ...spans.slice(lo)];
}

function findLastIndex<T>(xs: T[], f: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (f(xs[i])) return i;
  return -1;
}

/** The save input's annotation part; every span's text is checked against the document first. */
export function toInput(s: State): Saved {
  for (const sp of s.spans) {
    const bad = s.idx.check(sp.start, sp.end, sp.text);
    if (bad) throw new Error(`span ${sp.id} (${sp.label}): ${bad}; not saved`);
  }
  return {
    spans: s.spans.map((x) => ({ id: x.id, start: x.start, end: x.end, label: x.label, text: x.text })),
    relations: s.relations.map((r) => ({ ...r })),
    events: s.events.map((e) => ({ type: e.type, trigger: e.trigger, arguments: e.arguments.map((g) => ({ ...g })) })),
    labels: [...s.labels],
  };
}
