// Splits the document into runs that are covered by the same spans, so that
// overlapping and nested spans are drawn as stacked highlights. Code points.
import type { Span } from './state';

export interface Segment {
  start: number;
  end: number;
  /** Indices into spans of the spans covering the run, outermost first. */
  cover: number[];
  /** Labels of the spans ending at this run's end (shown as a tag). */
  ends: number[];
  /** Pending suggestions covering the run. */
  sug: boolean;
  /** Inside the selection. */
  sel: boolean;
}

export interface Range { start: number; end: number }

/**
 * Segments of [0, length): cuts at every span, suggestion and selection
 * boundary, and at extra cut points (e.g. the caret). spans must be sorted by
 * (start, -end).
 */
export function segments(length: number, spans: Span[], suggestions: Range[], sel: Range, cuts: number[] = []): Segment[] {
  return segmentsIn(0, length, spans, suggestions, sel, cuts);
}

/**
 * Segments of [from, to), as segments() cuts them when from and to are cut
 * points too (a block's bounds): so the text can be segmented a block at a
 * time. Spans and suggestions that do not overlap [from, to) may be left out;
 * cover and ends index into spans as given.
 */
export function segmentsIn(from: number, to: number, spans: Span[], suggestions: Range[], sel: Range, cuts: number[] = []): Segment[] {
  const pts = new Set<number>([from, to]);
  const add = (p: number) => { if (p > from && p < to) pts.add(p); };
  for (const s of spans) { add(s.start); add(s.end); }
  for (const s of suggestions) { add(s.start); add(s.end); }
  if (sel.end > sel.start) { add(sel.start); add(sel.end); }
  for (const c of cuts) add(c);
  const bounds = [...pts].sort((a, b) => a - b);
  const out: Segment[] = [];
  // sweep: spans sorted by start; active set by end
  let next = 0;
  let active: number[] = [];
  const sugs = [...suggestions].sort((a, b) => a.start - b.start);
  let sn = 0;
  let sugActive: Range[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const a = bounds[i], b = bounds[i + 1];
    active = active.filter((k) => spans[k].end > a);
    while (next < spans.length && spans[next].start <= a) {
      if (spans[next].end > a) active.push(next);
      next++;
    }
    sugActive = sugActive.filter((r) => r.end > a);
    while (sn < sugs.length && sugs[sn].start <= a) {
      if (sugs[sn].end > a) sugActive.push(sugs[sn]);
      sn++;
    }
    // outermost first: earlier start, then later end
    const cover = active.slice().sort((x, y) => spans[x].start - spans[y].start || spans[y].end - spans[x].end || x - y);
    out.push({
      start: a, end: b, cover,
      ends: cover.filter((k) => spans[k].end === b),
      sug: sugActive.length > 0,
      sel: sel.end > sel.start && a >= sel.start && b <= sel.end,
    });
  }
  return out;
}

/**
 * For each block [cuts[b], cuts[b+1]) the ranges that overlap it, in the
 * order given (so a block's spans stay sorted as segments() needs them).
 */
export function perBlock<T extends Range>(cuts: number[], ranges: T[]): T[][] {
  const out: T[][] = [];
  for (let b = 0; b + 1 < cuts.length; b++) out.push([]);
  for (const r of ranges) {
    // the last block starting at or before r.start
    let lo = 0, hi = out.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (cuts[mid] <= r.start) lo = mid; else hi = mid - 1;
    }
    for (let b = lo; b < out.length && cuts[b] < r.end; b++) if (cuts[b + 1] > r.start) out[b].push(r);
  }
  return out;
}

/**
 * Where the text is drawn in separate blocks (code points, ascending, 0 and
 * length included): at each line break, and inside a long paragraph at the
 * first sentence end after min code points (as brat draws a sentence a line),
 * else at a space or grapheme boundary by max. Blocks off screen are not laid
 * out (content-visibility), which keeps a long document responsive. boundary
 * maps a code point to a grapheme boundary at or before it.
 */
export function blocks(text: string, toPoints: (unit: number) => number, boundary: (cp: number) => number, min = 200, max = 600): number[] {
  const out = [0];
  const n = toPoints(text.length);
  let last = 0;
  const re = /\r\n|\n|\r|[。！？!?][ \t]*|\.[ \t]+/gu;
  let m: RegExpExecArray | null;
  const cut = (cp: number) => {
    if (cp > last && cp < n) { out.push(cp); last = cp; }
  };
  while ((m = re.exec(text)) !== null) {
    const end = toPoints(m.index + m[0].length);
    const isBreak = m[0].includes('\n') || m[0].includes('\r');
    while (end - last > max) cut(boundary(last + max));
    if (isBreak || end - last >= min) cut(end);
  }
  while (n - last > max) cut(boundary(last + max));
  out.push(n);
  return out;
}
