// The ONE boundary between the API's offsets (Unicode code points, 0-based,
// end exclusive) and the browser's (UTF-16 code units). Everything in the
// Studio's state is in code points; only the DOM layer calls toUnits/toPoints,
// and selections are snapped to whole grapheme clusters here too.

/** An index over one text: code point <-> UTF-16 conversion in O(1). */
export class TextIndex {
  readonly text: string;
  /** Number of code points. */
  readonly length: number;
  /** cpToUnit[i] = UTF-16 offset of code point i (length+1 entries). */
  private readonly cpToUnit: Uint32Array;
  /** unitToCp[u] = code point index of the code point containing unit u (units+1 entries). */
  private readonly unitToCp: Uint32Array;
  /** Grapheme cluster boundaries in code points, ascending, 0 and length included. */
  readonly boundaries: Uint32Array;

  constructor(text: string) {
    this.text = text;
    const units = text.length;
    const cpToUnit = new Uint32Array(units + 1);
    const unitToCp = new Uint32Array(units + 1);
    let cp = 0;
    for (let u = 0; u < units; ) {
      cpToUnit[cp] = u;
      const c = text.charCodeAt(u);
      const w = c >= 0xd800 && c <= 0xdbff && u + 1 < units && isLow(text.charCodeAt(u + 1)) ? 2 : 1;
      unitToCp[u] = cp;
      if (w === 2) unitToCp[u + 1] = cp; // the low surrogate belongs to the same code point
      u += w;
      cp++;
    }
    cpToUnit[cp] = units;
    unitToCp[units] = cp;
    this.length = cp;
    this.cpToUnit = cpToUnit.slice(0, cp + 1);
    this.unitToCp = unitToCp;
    this.boundaries = graphemeBoundaries(text, this);
  }

  /** UTF-16 offset of a code point offset (clamped to the text). */
  toUnits(cp: number): number {
    return this.cpToUnit[clamp(cp, 0, this.length)];
  }

  /**
   * Code point offset of a UTF-16 offset. An offset inside a surrogate pair
   * (which a browser can report) rounds down to the pair's start.
   */
  toPoints(unit: number): number {
    return this.unitToCp[clamp(unit, 0, this.text.length)];
  }

  /** The text of code points [start, end). */
  slice(start: number, end: number): string {
    return this.text.slice(this.toUnits(start), this.toUnits(end));
  }

  /** The last grapheme boundary <= cp. */
  floor(cp: number): number {
    const b = this.boundaries;
    let lo = 0, hi = b.length - 1;
    cp = clamp(cp, 0, this.length);
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (b[mid] <= cp) lo = mid; else hi = mid - 1;
    }
    return b[lo];
  }

  /** The first grapheme boundary >= cp. */
  ceil(cp: number): number {
    const b = this.boundaries;
    let lo = 0, hi = b.length - 1;
    cp = clamp(cp, 0, this.length);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (b[mid] >= cp) hi = mid; else lo = mid + 1;
    }
    return b[lo];
  }

  /** The grapheme boundary after cp (cp itself at the end). */
  next(cp: number): number {
    return this.ceil(Math.min(this.length, this.floor(cp) + 1));
  }

  /** The grapheme boundary before cp (0 at the start). */
  prev(cp: number): number {
    return this.floor(Math.max(0, this.ceil(cp) - 1));
  }

  /**
   * Snap a selection (code points, either order) outwards to whole grapheme
   * clusters, so that a ZWJ sequence, a flag or a letter with its combining
   * marks (and CRLF) is never split.
   */
  snap(a: number, b: number): [number, number] {
    const s = Math.min(a, b), e = Math.max(a, b);
    return [this.floor(s), this.ceil(e)];
  }

  /** Convert a DOM selection (UTF-16, either order) to a snapped code point range. */
  selectionFromUnits(anchor: number, focus: number): [number, number] {
    const s = Math.min(anchor, focus), e = Math.max(anchor, focus);
    // An end inside a surrogate pair must include the whole code point.
    const ep = this.toPoints(e);
    const end = this.toUnits(ep) < e ? ep + 1 : ep;
    return this.snap(this.toPoints(s), end);
  }

  /** True when [start, end) is a valid, grapheme-aligned, non-empty range whose text is expected. */
  check(start: number, end: number, expected: string): string | null {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.length || start >= end) {
      return `offsets [${start}, ${end}) are outside the text (${this.length} code points)`;
    }
    const got = this.slice(start, end);
    if (got !== expected) return `text[${start}:${end}] is ${JSON.stringify(got)}, not ${JSON.stringify(expected)}`;
    return null;
  }
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

function clamp(n: number, lo: number, hi: number): number {
  return n < lo ? lo : n > hi ? hi : n;
}

function graphemeBoundaries(text: string, idx: { toPoints(u: number): number }): Uint32Array {
  const out: number[] = [0];
  const Seg = (Intl as unknown as { Segmenter?: typeof Intl.Segmenter }).Segmenter;
  if (Seg) {
    for (const s of new Seg(undefined, { granularity: 'grapheme' }).segment(text)) {
      if (s.index > 0) out.push(idx.toPoints(s.index));
    }
  } else {
    // Without Intl.Segmenter: code points (still never splits a surrogate pair).
    let cp = 0;
    for (const _ch of text) out.push(++cp);
  }
  const n = idx.toPoints(text.length);
  if (out[out.length - 1] !== n) out.push(n);
  return Uint32Array.from(out);
}
