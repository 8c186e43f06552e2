import { describe, expect, it } from 'vitest';
import { blocks, perBlock, segments, segmentsIn } from './segments';
import { init, reduce, relationTypesFor, selection, sortSpans, toInput, visibleRelations, type Action, type Schema, type Span, type State } from './state';

const schema: Schema = {
  entities: ['Patient', 'Hospital', 'Vaccine'],
  relations: [{ name: 'vaccinated_at', head: ['Patient'], tail: ['Hospital'] }, { name: 'received', head: ['Patient'], tail: ['Vaccine'] }],
  events: [{ name: 'Vaccination', trigger: 'Vaccine', roles: [{ name: 'patient', labels: ['Patient'] }] }],
  classes: ['positive', 'negative'],
  multiLabel: false,
};
const TEXT = '😀P0001在华西医院接种了乙肝疫苗';
const run = (s: State, ...as: Action[]) => as.reduce(reduce, s);

describe('workspace state', () => {
  it('makes a span after an emoji with Shift+arrows and a number, in code points', () => {
    let s = init(TEXT, schema);
    s = run(s, { type: 'caretEdge', end: false, extend: false }, { type: 'caret', delta: 1, extend: false });
    expect(s.focus).toBe(1); // over the emoji: one step
    for (let i = 0; i < 5; i++) s = reduce(s, { type: 'caret', delta: 1, extend: true });
    expect(selection(s)).toEqual([1, 6]);
    s = reduce(s, { type: 'label', label: 'Patient' });
    expect(s.spans).toEqual([{ id: 'T1', start: 1, end: 6, label: 'Patient', text: 'P0001' }]);
    expect(s.selectedSpan).toBe('T1');
    expect(s.dirty).toBe(true);
  });

  it('snaps a selection to graphemes (ZWJ family) and keeps span text exact', () => {
    const t = 'hi 👨‍👩‍👧 there';
    let s = init(t, schema);
    s = run(s, { type: 'select', anchor: 4, focus: 6 }, { type: 'label', label: 'Patient' });
    expect(s.spans[0].text).toBe('👨‍👩‍👧');
    expect([s.spans[0].start, s.spans[0].end]).toEqual([3, 8]);
    expect(toInput(s).spans[0].text).toBe('👨‍👩‍👧');
  });

  it('relabels and deletes a span, and deleting removes its relations and event roles', () => {
    let s = init(TEXT, schema);
    s = run(s,
      { type: 'select', anchor: 1, focus: 6 }, { type: 'label', label: 'Patient' },
      { type: 'select', anchor: 7, focus: 11 }, { type: 'label', label: 'Vaccine' },
      { type: 'relabel', id: 'T2', label: 'Hospital' });
    expect(s.spans.map((x) => x.label)).toEqual(['Patient', 'Hospital']);
    s = run(s, { type: 'selectSpan', id: 'T1' }, { type: 'startRelation' }, { type: 'selectSpan', id: 'T2' });
    expect(relationTypesFor(s, 'T1', 'T2')).toEqual(['vaccinated_at']);
    s = reduce(s, { type: 'addRelation', relType: 'vaccinated_at' });
    expect(s.relations).toEqual([{ type: 'vaccinated_at', head: 'T1', tail: 'T2' }]);
    s = reduce(s, { type: 'deleteSpan', id: 'T2' });
    expect(s.relations).toEqual([]);
    expect(s.spans.map((x) => x.id)).toEqual(['T1']);
  });

  it('builds a relation by keyboard: r, ] [ to a candidate, Enter, then the type', () => {
    let s = init(TEXT, schema, { spans: [
      { id: 'a', start: 1, end: 6, label: 'Patient', text: 'P0001' },
      { id: 'b', start: 7, end: 11, label: 'Hospital', text: '华西医院' },
    ], relations: [], events: [], labels: [] });
    s = run(s, { type: 'cycleSpan', delta: 1 });
    expect(s.selectedSpan).toBe('a');
    s = run(s, { type: 'startRelation' }, { type: 'cycleSpan', delta: 1 });
    expect(s.relHead).toBe('a');
    expect(s.selectedSpan).toBe('b');
    expect(s.relTail).toBeNull();
    s = run(s, { type: 'setTail', id: 'b' }, { type: 'addRelation', relType: 'vaccinated_at' });
    expect(s.relations).toHaveLength(1);
    // not allowed by the schema: refused with a message
    s = run(s, { type: 'selectSpan', id: 'b' }, { type: 'startRelation' }, { type: 'setTail', id: 'a' }, { type: 'addRelation', relType: 'vaccinated_at' });
    expect(s.relations).toHaveLength(1);
    expect(s.error).toMatch(/does not allow/);
  });

  it('filters the relation list to the selected span; selects and deletes relations', () => {
    let s = init('a b c', { ...schema, relations: [{ name: 'r', head: [], tail: [] }] }, { spans: [
      { id: 'a', start: 0, end: 1, label: 'Patient', text: 'a' },
      { id: 'b', start: 2, end: 3, label: 'Patient', text: 'b' },
      { id: 'c', start: 4, end: 5, label: 'Patient', text: 'c' },
    ], relations: [{ type: 'r', head: 'a', tail: 'b' }, { type: 'r', head: 'b', tail: 'c' }], events: [], labels: [] });
    expect(visibleRelations(s)).toHaveLength(2);
    s = reduce(s, { type: 'selectSpan', id: 'c' });
    expect(visibleRelations(s).map(([, i]) => i)).toEqual([1]);
    s = run(s, { type: 'cycleRelation', delta: 1 });
    expect(s.selectedRelation).toBe(1);
    s = reduce(s, { type: 'deleteRelation', index: 1 });
    expect(s.relations).toEqual([{ type: 'r', head: 'a', tail: 'b' }]);
  });

  it('toggles document classes (single label replaces, multi-label adds)', () => {
    let s = init('x', schema);
    s = run(s, { type: 'toggleClass', name: 'positive' }, { type: 'toggleClass', name: 'negative' });
    expect(s.labels).toEqual(['negative']);
    s = init('x', { ...schema, multiLabel: true });
    s = run(s, { type: 'toggleClass', name: 'positive' }, { type: 'toggleClass', name: 'negative' }, { type: 'toggleClass', name: 'positive' });
    expect(s.labels).toEqual(['negative']);
  });

  it('adds events with a trigger of the right label and role arguments', () => {
    let s = init(TEXT, schema, { spans: [
      { id: 'p', start: 1, end: 6, label: 'Patient', text: 'P0001' },
      { id: 'v', start: 14, end: 18, label: 'Vaccine', text: '乙肝疫苗' },
    ], relations: [], events: [], labels: [] });
    s = reduce(s, { type: 'addEvent', evType: 'Vaccination', trigger: 'p' });
    expect(s.events).toHaveLength(0);
    s = run(s, { type: 'addEvent', evType: 'Vaccination', trigger: 'v' }, { type: 'setEventArg', index: 0, role: 'patient', span: 'p' });
    expect(toInput(s).events).toEqual([{ type: 'Vaccination', trigger: 'v', arguments: [{ role: 'patient', span: 'p' }] }]);
    // a role takes only spans of its labels, never the trigger, nor an unknown role
    let t = reduce(s, { type: 'setEventArg', index: 0, role: 'patient', span: 'v' });
    expect(t.error).toMatch(/another span/);
    expect(t.events).toBe(s.events);
    t = reduce(s, { type: 'setEventArg', index: 0, role: 'nope', span: 'p' });
    expect(t).toBe(s);
    // clearing a role removes its argument
    t = reduce(s, { type: 'setEventArg', index: 0, role: 'patient', span: null });
    expect(toInput(t).events[0].arguments).toEqual([]);
  });

  it('refuses an event argument whose label the role does not take', () => {
    let s = init(TEXT, schema, { spans: [
      { id: 'h', start: 7, end: 11, label: 'Hospital', text: '华西医院' },
      { id: 'v', start: 14, end: 18, label: 'Vaccine', text: '乙肝疫苗' },
    ], relations: [], events: [], labels: [] });
    s = run(s, { type: 'addEvent', evType: 'Vaccination', trigger: 'v' }, { type: 'setEventArg', index: 0, role: 'patient', span: 'h' });
    expect(s.error).toMatch(/must be a Patient span, not Hospital/);
    expect(s.events[0].arguments).toEqual([]);
  });

  it('refuses to save a span whose text is not the document slice', () => {
    const s = init(TEXT, schema, { spans: [{ id: 'x', start: 0, end: 5, label: 'Patient', text: 'P0001' }], relations: [], events: [], labels: [] });
    expect(() => toInput(s)).toThrow(/text\[0:5\] is "😀P000", not "P0001"/);
  });

  it('numbers new spans after the loaded ones and ignores a duplicate', () => {
    let s = init('abcdef', schema, { spans: [{ id: 'T7', start: 0, end: 1, label: 'Patient', text: 'a' }], relations: [], events: [], labels: [] });
    s = run(s, { type: 'select', anchor: 2, focus: 4 }, { type: 'label', label: 'Hospital' });
    expect(s.spans.map((x) => x.id)).toEqual(['T7', 'T8']);
    s = run(s, { type: 'select', anchor: 2, focus: 4 }, { type: 'label', label: 'Hospital' });
    expect(s.spans).toHaveLength(2);
  });

  it('keeps spans sorted as they are added, and the untouched spans the same objects', () => {
    const rnd = lcg(7);
    let s = init('x'.repeat(60), schema);
    for (let n = 0; n < 80; n++) {
      const a = Math.floor(rnd() * 60), b = Math.floor(rnd() * 60);
      if (a === b) continue;
      s = run(s, { type: 'select', anchor: a, focus: b }, { type: 'label', label: schema.entities[n % 3] });
      expect(s.spans).toEqual(sortSpans([...s.spans]));
    }
    const before = s.spans;
    const gone = before[Math.floor(before.length / 2)];
    s = run(s, { type: 'deleteSpan', id: gone.id }, { type: 'relabel', id: before[0].id, label: 'Vaccine' });
    expect(s.spans.slice(1)).toEqual(before.slice(1).filter((x) => x !== gone));
    s.spans.slice(1).forEach((x) => expect(before).toContain(x));
  });
});

describe('segments and blocks', () => {
  it('splits nested and overlapping spans into runs, outermost first', () => {
    const spans = [
      { id: 'o', start: 0, end: 10, label: 'A', text: '' },
      { id: 'i', start: 2, end: 4, label: 'B', text: '' },
      { id: 'x', start: 8, end: 12, label: 'C', text: '' },
    ];
    const g = segments(12, spans, [], { start: 0, end: 0 });
    expect(g.map((s) => [s.start, s.end, s.cover.map((k) => spans[k].id).join('')])).toEqual([
      [0, 2, 'o'], [2, 4, 'oi'], [4, 8, 'o'], [8, 10, 'ox'], [10, 12, 'x'],
    ]);
    expect(g[1].ends.map((k) => spans[k].id)).toEqual(['i']);
  });
  it('segments a block at a time exactly as the whole text', () => {
    const rnd = lcg(11);
    for (let round = 0; round < 50; round++) {
      const n = 80;
      const r = () => { const a = Math.floor(rnd() * n), b = Math.floor(rnd() * n); return a < b ? [a, b] : [b, a + 1]; };
      const spans: Span[] = sortSpans(Array.from({ length: 12 }, (_, k) => { const [a, b] = r(); return { id: `s${k}`, start: a, end: b, label: 'A', text: '' }; }));
      const sugs = Array.from({ length: 3 }, () => { const [a, b] = r(); return { start: a, end: b }; });
      const [ss, se] = round % 3 === 0 ? [0, 0] : r();
      const sel = { start: ss, end: se };
      const caret = Math.floor(rnd() * (n + 1));
      const cuts = [0, ...[...new Set(Array.from({ length: 4 }, () => 1 + Math.floor(rnd() * (n - 1))))].sort((a, b) => a - b), n];
      const ids = (g: { start: number; end: number; cover: number[]; ends: number[]; sug: boolean; sel: boolean }, sp: Span[]) =>
        [g.start, g.end, g.cover.map((k) => sp[k].id).join(','), g.ends.map((k) => sp[k].id).join(','), g.sug, g.sel];
      const whole = segments(n, spans, sugs, sel, [caret, ...cuts]).map((g) => ids(g, spans));
      const spansIn = perBlock(cuts, spans), sugsIn = perBlock(cuts, sugs);
      const byBlock = spansIn.flatMap((sp, b) => segmentsIn(cuts[b], cuts[b + 1], sp, sugsIn[b], sel, [caret]).map((g) => ids(g, sp)));
      expect(byBlock).toEqual(whole);
      // a block holds exactly the spans overlapping it
      spansIn.forEach((sp, b) => expect(sp).toEqual(spans.filter((x) => x.start < cuts[b + 1] && x.end > cuts[b])));
    }
  });

  it('cuts a long paragraph at sentence ends and keeps line breaks', () => {
    const t = 'one.\ntwo. ' + 'x'.repeat(50) + '. tail';
    const b = blocks(t, (u) => u, (c) => c, 10, 40);
    expect(b[0]).toBe(0);
    expect(b[b.length - 1]).toBe(t.length);
    expect(b).toContain(5); // after "one.\n"
    for (let i = 1; i < b.length; i++) expect(b[i] - b[i - 1]).toBeLessThanOrEqual(40);
  });
});

/** A small seeded generator, so that the randomized tests repeat. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => { x = (x * 48271) % 2147483647; return x / 2147483647; };
}
