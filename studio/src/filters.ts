// Where filters (FieldFilter) as people type them, for every form that builds one.

/** The operators of a where filter (FieldFilter.op). */
export const WHERE_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin', 'exists', 'regex', 'contains'];

/** A where filter's value as typed: JSON when it parses (numbers, true, lists), else the text; a boolean for exists. */
export function filterValue(op: string, raw: string): unknown {
  if (op === 'exists') return raw.trim() !== 'false';
  if (op === 'regex' || op === 'contains') return raw;
  try { return JSON.parse(raw); } catch { return raw; }
}
