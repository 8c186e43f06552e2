// The logic of the New dataset and New task forms, apart from the pages: who
// may create, slug and label checks, and the mutations' inputs built from what
// the forms hold (strings, as typed). Every check here is one the server makes
// too; doing it first only gives a clearer message sooner.
import { filterValue } from './filters';
import type { AnnotationTaskInput, CreateDatasetInput, FieldType, LabelSchemaInput } from './gql/graphql';

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Why id is not a slug (the server's rule: 1-63 lower-case letters, digits, - or _, starting with a letter or digit), or null. */
export function slugProblem(what: string, id: string): string | null {
  if (id === '') return `Give the ${what} an id.`;
  if (SLUG.test(id)) return null;
  if (id.length > 63) return `The ${what} id is ${id.length} characters long; use at most 63.`;
  if (/[A-Z]/.test(id)) return `The ${what} id "${id}" has upper-case letters; use lower-case letters, digits, - or _ (e.g. ${suggestSlug(id)}).`;
  if (/^[-_]/.test(id)) return `The ${what} id "${id}" must start with a lower-case letter or a digit.`;
  return `The ${what} id "${id}" may hold only lower-case letters, digits, - and _ (e.g. ${suggestSlug(id)}).`;
}

/** A slug close to s: lower-cased, runs of other characters as -, trimmed. */
export function suggestSlug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9_-]+/g, '-').replace(/^[-_]+|-+$/g, '').slice(0, 63) || 'my-id';
}

/** Items of a comma-separated list (also a full-width ， or 、, or new lines): trimmed, empty ones and repeats left out. */
export function splitList(s: string): string[] {
  const out: string[] = [];
  for (const x of s.split(/[,，、\n]/)) {
    const t = x.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Why a label name is refused (the server's rule: no white space or control characters), or null. */
export function labelProblem(what: string, name: string): string | null {
  // eslint-disable-next-line no-control-regex
  return /[\s\u0000-\u001f\u007f]/u.test(name) ? `${what} "${name}" contains a space; labels are single words (use _ or -, e.g. ${name.trim().replace(/\s+/g, '_')}).` : null;
}

/** The values of the New dataset form. */
export interface DatasetForm { id: string; name: string; description: string; keyField: string; team: string }

/** createDataset's input, or the problems to fix (each a sentence). */
export function datasetInput(f: DatasetForm): { input: CreateDatasetInput } | { problems: string[] } {
  const problems: string[] = [];
  const id = f.id.trim();
  const p = slugProblem('dataset', id);
  if (p) problems.push(p);
  const name = f.name.trim();
  if (!name) problems.push('Give the dataset a name, for people (e.g. Weibo posts).');
  else if (name.length > 200) problems.push(`The name is ${name.length} characters long; use at most 200.`);
  if (!f.team.trim()) problems.push('Choose the team that owns the dataset.');
  if (f.description.length > 10000) problems.push('The description is longer than 10,000 characters.');
  if (problems.length) return { problems };
  const input: CreateDatasetInput = { id, name, team: f.team.trim() };
  if (f.description.trim()) input.description = f.description.trim();
  if (f.keyField.trim()) input.keyField = f.keyField.trim();
  return { input };
}

/** A relation type row: its name and the entity labels allowed at each end (comma-separated, empty: any). */
export interface RelationRow { name: string; head: string; tail: string }

/** A role of an event type: its name and the entity labels a span filling it may carry (comma-separated, empty: any). */
export interface RoleRow { name: string; labels: string }

/** An event type row: its name, the entity label of its trigger span and its roles, in order. */
export interface EventRow { name: string; trigger: string; roles: RoleRow[] }

/** The new label schema part of the New task form. */
export interface SchemaForm { id: string; entities: string; relations: RelationRow[]; events: EventRow[]; classes: string; multiLabel: boolean }

/** An event type as people read it, e.g. vaccination (trigger Vaccine; patient: Patient; place: Hospital|Clinic). */
export function describeEvent(e: { name: string; trigger: string; roles: { name: string; labels: string[] }[] }): string {
  return `${e.name} (trigger ${e.trigger}${e.roles.map((r) => `; ${r.name}: ${r.labels.join('|') || 'any'}`).join('')})`;
}

/** createLabelSchema's input for team, or the problems to fix. */
export function schemaInput(f: SchemaForm, team: string): { input: LabelSchemaInput } | { problems: string[] } {
  const problems: string[] = [];
  const id = f.id.trim();
  const p = slugProblem('label schema', id);
  if (p) problems.push(p);
  const entities = splitList(f.entities);
  const classes = splitList(f.classes);
  if (!entities.length && !classes.length) problems.push('List at least one entity label or one document class: otherwise there is nothing to annotate.');
  for (const e of entities) { const q = labelProblem('Entity label', e); if (q) problems.push(q); }
  for (const c of classes) { const q = labelProblem('Class', c); if (q) problems.push(q); }
  const relations: NonNullable<LabelSchemaInput['relations']> = [];
  for (const r of f.relations) {
    const name = r.name.trim();
    const head = splitList(r.head), tail = splitList(r.tail);
    if (!name) {
      if (head.length || tail.length) problems.push('A relation type has head or tail labels but no name.');
      continue;
    }
    const q = labelProblem('Relation type', name);
    if (q) problems.push(q);
    if (relations.some((x) => x.name === name)) problems.push(`Relation type ${name} is listed twice.`);
    for (const l of [...head, ...tail]) {
      if (!entities.includes(l)) problems.push(`Relation type ${name} names "${l}", which is not one of the entity labels (${entities.join(', ') || 'none'}).`);
    }
    relations.push({ name, ...(head.length ? { head } : {}), ...(tail.length ? { tail } : {}) });
  }
  const events = eventTypes(f.events, entities, problems);
  if (problems.length) return { problems };
  const input: LabelSchemaInput = { id, team, entities };
  if (relations.length) input.relations = relations;
  if (events.length) input.events = events;
  if (classes.length) { input.classes = classes; input.multiLabel = f.multiLabel; }
  return { input };
}

/**
 * The event types of rows, checked against the entity labels (the server's
 * rules: names single words, not repeated; the trigger and every role label
 * an entity label); what is wrong is added to problems. Empty rows (and
 * empty role rows) are left out; roles keep their order.
 */
function eventTypes(rows: EventRow[], entities: string[], problems: string[]): NonNullable<LabelSchemaInput['events']> {
  const out: NonNullable<LabelSchemaInput['events']> = [];
  const known = entities.join(', ') || 'none';
  for (const e of rows) {
    const name = e.name.trim(), trigger = e.trigger.trim();
    const roleRows = e.roles.map((r) => ({ name: r.name.trim(), labels: splitList(r.labels) })).filter((r) => r.name || r.labels.length);
    if (!name) {
      if (trigger || roleRows.length) problems.push('An event type has a trigger label or roles but no name.');
      continue;
    }
    const q = labelProblem('Event type', name);
    if (q) problems.push(q);
    if (out.some((x) => x.name === name)) problems.push(`Event type ${name} is listed twice.`);
    if (!trigger) problems.push(`Choose the trigger label of event type ${name}: the entity label of the span that signals the event.`);
    else if (!entities.includes(trigger)) problems.push(`The trigger of event type ${name}, "${trigger}", is not one of the entity labels (${known}).`);
    const roles: { name: string; labels?: string[] }[] = [];
    for (const r of roleRows) {
      if (!r.name) { problems.push(`A role of event type ${name} has labels but no name.`); continue; }
      const rq = labelProblem(`Role of event type ${name}`, r.name);
      if (rq) problems.push(rq);
      if (roles.some((x) => x.name === r.name)) problems.push(`Event type ${name} has role ${r.name} twice.`);
      for (const l of r.labels) {
        if (!entities.includes(l)) problems.push(`Role ${r.name} of event type ${name} names "${l}", which is not one of the entity labels (${known}).`);
      }
      roles.push({ name: r.name, ...(r.labels.length ? { labels: r.labels } : {}) });
    }
    out.push({ name, trigger, roles });
  }
  return out;
}

/** Schemas by team: team's first (when it has any), then the other teams by id; each group keeps the given order. */
export function schemaGroups<S extends { team: string }>(schemas: S[], team: string): [string, S[]][] {
  const m = new Map<string, S[]>();
  for (const s of schemas) m.set(s.team, [...(m.get(s.team) ?? []), s]);
  return [...m.entries()].sort(([a], [b]) => (a === team ? -1 : b === team ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

/** Why a schema of schemaTeam cannot label a dataset of datasetTeam (the server refuses it), or null. */
export function schemaTeamProblem(schema: string, schemaTeam: string, datasetTeam: string | undefined): string | null {
  if (!datasetTeam || schemaTeam === datasetTeam) return null;
  return `Label schema ${schema} belongs to team ${schemaTeam}, the dataset to team ${datasetTeam}: a task needs a schema of its dataset's team. Choose one of team ${datasetTeam}, or create a new schema.`;
}

/** The field types whose values are text an annotator can read. */
export const TEXT_TYPES: FieldType[] = ['TEXT', 'STRING'];

/** A pattern row: an entity label and an RE2 regular expression. */
export interface PatternRow { label: string; pattern: string }

/** A gazetteer row: an entity label and where its terms come from. */
export interface GazetteerRow { label: string; source: 'terms' | 'keys' | 'field'; terms: string; dataset: string; field: string }

/** How the task's documents are chosen. */
export type Selection = 'all' | 'sample' | 'where';

/** The values of the New task form, apart from the label schema. */
export interface TaskForm {
  id: string; dataset: string; textField: string;
  /** Principal ids ticked in the list of the team's annotator keys. */
  picked: string[];
  /** Other principal ids, comma-separated. */
  others: string;
  overlap: string;
  selection: Selection; sample: string; seed: string;
  where: { field: string; op: string; value: string };
  guidelines: string;
  patterns: PatternRow[];
  gazetteer: GazetteerRow[];
  allowSensitiveText: boolean;
}

function wholeNumber(s: string): number | null {
  return /^\s*\d+\s*$/.test(s) ? Number(s) : null;
}

/** The annotators of the task: the ticked ones then the others, without repeats. */
export function annotatorsOf(f: Pick<TaskForm, 'picked' | 'others'>): string[] {
  const out = [...f.picked];
  for (const x of splitList(f.others)) if (!out.includes(x)) out.push(x);
  return out;
}

/**
 * createAnnotationTask's input with label schema schema, or the problems to
 * fix. entities are the schema's entity labels (patterns and gazetteers must
 * use one; empty: not known, left to the server); sensitive says whether the
 * task draws from a sensitive field (its text field, the where filter's or a
 * gazetteer's), which needs allowSensitiveText and listed annotators.
 */
export function taskInput(f: TaskForm, schema: string, entities: string[], sensitive: boolean): { input: AnnotationTaskInput } | { problems: string[] } {
  const problems: string[] = [];
  const id = f.id.trim();
  const p = slugProblem('task', id);
  if (p) problems.push(p);
  if (!f.dataset) problems.push('Choose the dataset whose documents are annotated.');
  else if (!f.textField) problems.push('Choose the field that holds each document\'s text.');
  if (!schema) problems.push('Choose a label schema, or create a new one.');
  const overlap = f.overlap.trim() === '' ? 1 : wholeNumber(f.overlap);
  if (overlap === null || overlap < 1 || overlap > 10) problems.push('Overlap (annotators per document) is a whole number from 1 to 10.');
  const input: AnnotationTaskInput = { id, dataset: f.dataset, textField: f.textField, schema };
  if (overlap !== null && overlap !== 1) input.overlap = overlap;
  const annotators = annotatorsOf(f);
  if (annotators.length) input.annotators = annotators;
  if (f.selection === 'sample') {
    const n = wholeNumber(f.sample);
    const seed = f.seed.trim() === '' ? 0 : wholeNumber(f.seed);
    if (n === null || n < 1) problems.push('The sample size is a whole number of documents, at least 1.');
    else input.sample = n;
    if (seed === null) problems.push('The seed is a whole number (the same seed draws the same sample).');
    else input.seed = seed;
  } else if (f.selection === 'where') {
    if (!f.where.field) problems.push('Choose the field of the filter that selects documents.');
    else input.where = [{ field: f.where.field, op: f.where.op, value: filterValue(f.where.op, f.where.value) }];
  }
  const g = f.guidelines.trim();
  if (g) input.guidelines = g;
  const known = (what: string, label: string) => {
    if (!label) problems.push(`Choose the entity label of each ${what}.`);
    else if (entities.length && !entities.includes(label)) problems.push(`The ${what} label ${label} is not an entity label of schema ${schema} (${entities.join(', ')}).`);
  };
  const patterns: NonNullable<AnnotationTaskInput['patterns']> = [];
  for (const r of f.patterns) {
    if (!r.label && !r.pattern) continue; // an empty row
    known('pattern', r.label);
    // RE2 (the server's) is not JavaScript's syntax: the server checks the expression.
    if (!r.pattern) { problems.push(`Give the regular expression of the ${r.label ? r.label + ' ' : ''}pattern.`); continue; }
    patterns.push({ label: r.label, pattern: r.pattern });
  }
  if (patterns.length) input.patterns = patterns;
  const gazetteer: NonNullable<AnnotationTaskInput['gazetteer']> = [];
  for (const r of f.gazetteer) {
    if (r.source === 'terms') {
      const terms = splitList(r.terms);
      if (!r.label && !terms.length) continue; // an empty row
      known('gazetteer', r.label);
      if (!terms.length) { problems.push(`List the terms of the ${r.label} gazetteer.`); continue; }
      gazetteer.push({ label: r.label, terms });
    } else {
      if (!r.label && !r.dataset) continue; // an empty row
      known('gazetteer', r.label);
      if (!r.dataset) { problems.push(`Choose the dataset the ${r.label || 'gazetteer'} terms come from.`); continue; }
      if (r.source === 'field' && !r.field) { problems.push(`Choose the field of ${r.dataset} whose values are the ${r.label || 'gazetteer'} terms.`); continue; }
      gazetteer.push({ label: r.label, dataset: r.dataset, ...(r.source === 'field' ? { field: r.field } : {}) });
    }
  }
  if (gazetteer.length) input.gazetteer = gazetteer;
  if (sensitive) {
    if (!f.allowSensitiveText) problems.push('The task draws from a sensitive field: tick "Let the listed annotators read the sensitive text", or choose another field.');
    else if (!annotators.length) problems.push('Letting annotators read sensitive text needs them listed: tick or name the annotators.');
    else input.allowSensitiveText = true;
  }
  return problems.length ? { problems } : { input };
}
