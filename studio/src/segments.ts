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
  const pts = new Set<number>([0, length]);
  for (const s of spans) { pts.add(s.start); pts.add(s.end); }
  for (const s of suggestions) { pts.add(s.start); pts.add(s.end); }
  if (sel.end > sel.start) { pts.add(sel.start); pts.add(sel.end); }
  for (const c of cuts) if (c >= 0 && c <= length) pts.add(c);
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
