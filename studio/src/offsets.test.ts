import { describe, expect, it } from 'vitest';
import { TextIndex } from './offsets';

// code point length, as the API counts
const cps = (s: string) => [...s].length;

describe('TextIndex: code points <-> UTF-16', () => {
  it('round-trips the issue example: 😀P0001在华西医院接种了乙肝疫苗', () => {
    const t = '😀P0001在华西医院接种了乙肝疫苗';
    const x = new TextIndex(t);
    expect(x.length).toBe(18);
    expect(t.length).toBe(19); // the emoji is two UTF-16 units
    expect(x.slice(1, 6)).toBe('P0001');
    expect(x.slice(7, 11)).toBe('华西医院');
    expect(x.slice(14, 18)).toBe('乙肝疫苗');
    expect(x.toUnits(1)).toBe(2);
    expect(x.toPoints(2)).toBe(1);
    for (let cp = 0; cp <= x.length; cp++) expect(x.toPoints(x.toUnits(cp))).toBe(cp);
    // a DOM selection of 华西医院 in UTF-16 units
    const u = t.indexOf('华西医院');
    expect(x.selectionFromUnits(u, u + 4)).toEqual([7, 11]);
    expect(x.check(7, 11, '华西医院')).toBeNull();
    expect(x.check(8, 12, '华西医院')).toMatch(/not "华西医院"/);
  });

  it('handles astral characters anywhere and rounds a unit inside a pair down', () => {
    const t = 'a𝒳b😀😀c';
    const x = new TextIndex(t);
    expect(x.length).toBe(cps(t));
    expect(x.toPoints(2)).toBe(1); // inside 𝒳's pair -> its start
    expect(x.slice(3, 5)).toBe('😀😀');
    // a selection ending inside a pair includes the whole character
    expect(x.selectionFromUnits(0, 2)).toEqual([0, 2]);
  });

  it('agrees with the code point count for CJK, CRLF and mixed text', () => {
    for (const t of ['', '中文文本', 'line1\r\nline2', 'mixé 😀 中 👍🏽 e\u0301', '🇫🇷🇩🇪']) {
      const x = new TextIndex(t);
      expect(x.length).toBe(cps(t));
      expect(x.slice(0, x.length)).toBe(t);
      expect(x.toUnits(x.length)).toBe(t.length);
    }
  });

  it('rejects offsets out of range or reversed', () => {
    const x = new TextIndex('abc');
    expect(x.check(2, 1, 'x')).toMatch(/outside/);
    expect(x.check(0, 4, 'abcd')).toMatch(/outside/);
    expect(x.check(1.5, 2, 'b')).toMatch(/outside/);
  });
});

describe('grapheme snapping', () => {
  it('never splits a ZWJ family', () => {
    const fam = '👨‍👩‍👧';
    const t = `a${fam}b`;
    const x = new TextIndex(t);
    expect(cps(fam)).toBe(5);
    // a selection from inside the family to b grows to the whole family
    expect(x.snap(2, 7)).toEqual([1, 7]);
    expect(x.slice(...x.snap(3, 4))).toBe(fam);
    expect(x.next(1)).toBe(6);
    expect(x.prev(6)).toBe(1);
  });

  it('never splits a flag', () => {
    const t = 'x🇫🇷🇩🇪y';
    const x = new TextIndex(t);
    expect(x.snap(2, 2 + 0)).toEqual([1, 3]);
    expect(x.slice(...x.snap(2, 4))).toBe('🇫🇷🇩🇪');
    expect(x.next(1)).toBe(3);
  });

  it('keeps combining marks with their letter', () => {
    const t = 'cafe\u0301!';
    const x = new TextIndex(t);
    expect(x.snap(3, 4)).toEqual([3, 5]);
    expect(x.slice(3, 5)).toBe('e\u0301');
  });

  it('keeps CRLF together', () => {
    const x = new TextIndex('a\r\nb');
    expect(x.snap(2, 2 + 1)).toEqual([1, 3]);
    expect(x.next(1)).toBe(3);
  });

  it('skin tones and keycaps are one grapheme', () => {
    const t = '👍🏽1️⃣';
    const x = new TextIndex(t);
    expect(x.next(0)).toBe(2);
    expect(x.next(2)).toBe(5);
  });
});
