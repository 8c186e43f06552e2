// Pure helpers of the quality report: reading the report JSON the API returns
// (Ingestion.report: ingest.ProfileReport), and formatting figures.
import type { Format } from './gql/graphql';

/** One field of an ingestion's report (ingest.FieldReport). */
export interface FieldReport {
  name: string;
  type: string;
  count: number;
  nulls: number;
  nullRatio: number;
  distinct: number;
  distinctExact: boolean;
  min?: number; max?: number; mean?: number; std?: number; median?: number;
  minDate?: string; maxDate?: string;
  top?: { value: unknown; count: number }[];
  histogram?: { lo: number; hi: number; count: number }[];
  sampled?: boolean;
}

const isNum = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** The fields of a report, each checked; anything malformed is left out. */
export function fieldReports(report: unknown): FieldReport[] {
  const fields = (report as { fields?: unknown } | null)?.fields;
  if (!Array.isArray(fields)) return [];
  return fields.filter((f): f is FieldReport => !!f && typeof f === 'object' && typeof (f as FieldReport).name === 'string'
    && isNum((f as FieldReport).count) && isNum((f as FieldReport).nulls))
    .map((f) => ({
      ...f,
      nullRatio: isNum(f.nullRatio) ? f.nullRatio : f.count + f.nulls > 0 ? f.nulls / (f.count + f.nulls) : 0,
      histogram: Array.isArray(f.histogram) ? f.histogram.filter((b) => isNum(b?.lo) && isNum(b?.hi) && isNum(b?.count)) : undefined,
      top: Array.isArray(f.top) ? f.top.filter((t) => t && isNum(t.count)) : undefined,
    }));
}

/** A byte count for people: 512 B, 1.5 KB, 2.0 MB (powers of 1024). */
export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const u = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024, i = 0;
  while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
  return `${v.toFixed(1)} ${u[i]}`;
}

/** A ratio as a percentage: 0%, 0.4%, 12%, 100%. */
export function pct(r: number): string {
  if (r === 0) return '0%';
  const p = r * 100;
  return p < 10 ? `${p.toFixed(1)}%` : `${Math.round(p)}%`;
}

/** The format a file name suggests, or null. */
export function formatOf(name: string): Format | null {
  const ext = name.toLowerCase().split('.').pop() ?? '';
  if (ext === 'csv' || ext === 'tsv') return 'CSV';
  if (ext === 'ndjson' || ext === 'jsonl') return 'NDJSON';
  if (ext === 'json') return 'JSON';
  return null;
}

/** One line on an ingestion's totals. */
export function summary(i: { status: string; read: number; inserted: number; updated: number; unchanged: number; rejected: number; source: string; datasetVersion?: number | null }): string {
  const s = (n: number, w: string) => `${n} ${w}`;
  return `${i.status.toLowerCase()}: ${s(i.read, i.read === 1 ? 'row read' : 'rows read')} from ${i.source} — ${i.inserted} inserted, ${i.updated} updated, ${i.unchanged} unchanged, ${i.rejected} rejected${i.read ? ` (${pct(i.rejected / i.read)})` : ''}${i.datasetVersion != null ? `; made version ${i.datasetVersion}` : ''}.`;
}

/**
 * A source name for a file: its name without the extension, with '.' and '$'
 * (which the API refuses in a source name) as '-', at most 100 characters.
 */
export function sourceOf(fileName: string): string {
  const base = fileName.replace(/\.[^.]*$/, '') || fileName;
  return [...base.replace(/[.$]/g, '-')].slice(0, 100).join('') || 'upload';
}
