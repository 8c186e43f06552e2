// The people of a task, as the review page lists them.

/** One annotator's row: listed on the task, or seen in its annotations, with their counts. */
export interface AnnotatorRow { annotator: string; submitted: number; drafts: number; medianSeconds?: number | null }

/** Every listed annotator (with nothing saved yet, too) and everyone who saved, by id. */
export function annotatorRows(listed: string[], stats: AnnotatorRow[]): AnnotatorRow[] {
  const rows = new Map<string, AnnotatorRow>();
  for (const a of listed) rows.set(a, { annotator: a, submitted: 0, drafts: 0 });
  for (const s of stats) rows.set(s.annotator, s);
  return [...rows.values()].sort((a, b) => a.annotator.localeCompare(b.annotator));
}

/** Whether principal me is an annotator of task t: a task listing its annotators is only theirs (an empty list: every annotator of the team). */
export function assigned(t: { annotators: readonly string[] }, me: string): boolean {
  return t.annotators.length === 0 || t.annotators.includes(me);
}
