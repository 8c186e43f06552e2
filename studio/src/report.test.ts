import { describe, expect, it } from 'vitest';
import { bytes, fieldReports, formatOf, pct, sourceOf, summary } from './report';

describe('quality report helpers', () => {
  it('reads the fields of a report and leaves out malformed ones', () => {
    const r = fieldReports({ rows: 4, fields: [
      { name: 'age', type: 'INT', count: 3, nulls: 1, nullRatio: 0.25, distinct: 3, distinctExact: true, min: 1, max: 9, histogram: [{ lo: 1, hi: 5, count: 2 }, { lo: 5, hi: 9, count: 1 }, { lo: 'x' }] },
      { name: 'dept', type: 'STRING', count: 4, nulls: 0, distinct: 2, distinctExact: true, top: [{ value: 'a', count: 3 }, { value: 'b', count: 1 }] },
      { type: 'STRING', count: 1, nulls: 0 },
      null,
    ] });
    expect(r.map((f) => f.name)).toEqual(['age', 'dept']);
    expect(r[0].histogram).toHaveLength(2);
    expect(r[1].nullRatio).toBe(0);
    expect(fieldReports(null)).toEqual([]);
    expect(fieldReports({ fields: 'no' })).toEqual([]);
  });
  it('derives the null ratio when the report lacks it', () => {
    expect(fieldReports({ fields: [{ name: 'x', count: 3, nulls: 1 }] })[0].nullRatio).toBe(0.25);
  });
  it('formats bytes, percentages, formats and a summary', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KB');
    expect(bytes(3 * 1024 * 1024)).toBe('3.0 MB');
    expect(pct(0)).toBe('0%');
    expect(pct(0.004)).toBe('0.4%');
    expect(pct(0.123)).toBe('12%');
    expect(formatOf('visits.CSV')).toBe('CSV');
    expect(formatOf('a.jsonl')).toBe('NDJSON');
    expect(formatOf('a.json')).toBe('JSON');
    expect(formatOf('a.parquet')).toBeNull();
    expect(sourceOf('patients.csv')).toBe('patients');
    expect(sourceOf('v1.2$x.ndjson')).toBe('v1-2-x');
    expect(sourceOf('.csv')).toBe('-csv');
    expect(sourceOf('x'.repeat(150) + '.csv')).toHaveLength(100);
    expect(summary({ status: 'SUCCEEDED', read: 4, inserted: 3, updated: 0, unchanged: 0, rejected: 1, source: 's.csv', datasetVersion: 2 }))
      .toBe('succeeded: 4 rows read from s.csv — 3 inserted, 0 updated, 0 unchanged, 1 rejected (25%); made version 2.');
  });
});
