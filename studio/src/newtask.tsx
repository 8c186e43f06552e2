// /studio/new-task: create an annotation task (owners, editors, admins): the
// dataset and its text field, a label schema (one of those the caller may
// read, from labelSchemas, or a new one with entities, relations, events and
// classes, created first), annotators, selection, guidelines, pre-annotation
// (patterns, gazetteers) and, for a sensitive field, the owner's decision.
import { useEffect, useState } from 'preact/hooks';
import { gql } from './api';
import {
  annotatorsOf, describeEvent, schemaGroups, schemaInput, schemaTeamProblem, slugProblem, splitList, taskInput, TEXT_TYPES,
  type EventRow, type GazetteerRow, type PatternRow, type RoleRow, type SchemaForm, type TaskForm,
} from './create';
import { WHERE_OPS } from './filters';
import type { LabelSchemaInput, StudioDatasetQuery, StudioDatasetsQuery, StudioKeysQuery, StudioSchemaFieldsFragment } from './gql/graphql';
import { Link, navigate, type Me } from './main';
import { Field } from './newdataset';
import { abilities } from './roles';
import { CreateSchemaMutation, CreateTaskMutation, DatasetQuery, DatasetsQuery, KeysQuery, LabelSchemasQuery } from './ops';

type DS = StudioDatasetsQuery['datasets']['edges'][number]['node'];
type Dataset = NonNullable<StudioDatasetQuery['dataset']>;
type Schema = StudioSchemaFieldsFragment;
type Key = StudioKeysQuery['apiKeys'][number];

const SENSITIVE_HELP = 'Letting the listed annotators read sensitive text is the owner\'s decision: it is needed when the text field, a where filter or a gazetteer field is sensitive. Only callers with share rights (OWNER, ADMIN) and read-sensitive on the dataset may give it, with annotators listed; it is audited as grant-sensitive-text.';

const val = (e: Event) => (e.target as HTMLInputElement).value;
const textFields = (d: Dataset | undefined) => (d ? d.fields.filter((x) => TEXT_TYPES.includes(x.type)) : []);
const isSensitive = (d: Dataset | undefined, field: string) => !!d?.fields.find((x) => x.name === field.split('.')[0])?.sensitive;

export function NewTask(props: { me: Me }) {
  const [list, setList] = useState<DS[] | null>(null);
  const [schemas, setSchemas] = useState<Schema[] | null>(null); // every schema the caller may read, by id
  const [schemasError, setSchemasError] = useState<string | null>(null);
  const [details, setDetails] = useState<Record<string, Dataset | string>>({}); // a dataset, or why it could not be read
  const [f, setF] = useState<TaskForm>({
    id: '', dataset: '', textField: '', picked: [], others: '', overlap: '1', selection: 'all', sample: '', seed: '',
    where: { field: '', op: 'eq', value: '' }, guidelines: '', patterns: [{ label: '', pattern: '' }],
    gazetteer: [{ label: '', source: 'keys', terms: '', dataset: '', field: '' }], allowSensitiveText: false,
  });
  const [mode, setMode] = useState<'new' | 'existing'>('new');
  const [sf, setSf] = useState<SchemaForm>({ id: '', entities: '', relations: [{ name: '', head: '', tail: '' }], events: [], classes: '', multiLabel: false });
  const [existing, setExisting] = useState(''); // the id of the schema chosen from the list
  const [keys, setKeys] = useState<Key[] | null>(null);
  const [keysError, setKeysError] = useState<string | null>(null);
  const [tried, setTried] = useState(false); // after a first submit, what to fix is shown as the form changes
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    gql(DatasetsQuery).then((d) => setList(d.datasets.edges.map((e) => e.node))).catch((e) => setError(e.message));
    readableSchemas().then(setSchemas).catch((e) => setSchemasError(`The label schemas could not be listed: ${(e as Error).message}`));
  }, []);
  // the schemas (fields) of the chosen dataset and of the gazetteers' datasets
  const wanted = [f.dataset, ...f.gazetteer.filter((g) => g.source !== 'terms').map((g) => g.dataset)].filter(Boolean);
  useEffect(() => {
    for (const id of wanted) {
      if (details[id] !== undefined) continue;
      setDetails((m) => ({ ...m, [id]: 'Loading…' }));
      gql(DatasetQuery, { id })
        .then((d) => setDetails((m) => ({ ...m, [id]: d.dataset ?? `There is no dataset ${id}, or you may not read it.` })))
        .catch((e) => setDetails((m) => ({ ...m, [id]: (e as Error).message })));
    }
  }, [wanted.join('\n')]);
  const ds = typeof details[f.dataset] === 'object' ? (details[f.dataset] as Dataset) : undefined;
  const team = ds?.team ?? props.me.team ?? '';
  // the team's annotator keys, for those who may list them
  useEffect(() => {
    setKeys(null); setKeysError(null);
    setF((cur) => (cur.picked.length ? { ...cur, picked: [] } : cur)); // keys of another team
    if (!team || !abilities(props.me.role).own) return; // owners and admins list the team's keys
    gql(KeysQuery, { team }).then((d) => setKeys(d.apiKeys)).catch((e) => setKeysError(e.message));
  }, [team]);
  // pick a text field when the dataset's schema arrives
  useEffect(() => {
    if (!ds || textFields(ds).some((x) => x.name === f.textField)) return;
    const t = textFields(ds);
    setF((cur) => ({ ...cur, textField: (t.find((x) => x.type === 'TEXT') ?? t.find((x) => x.name === 'text') ?? t[0])?.name ?? '' }));
  }, [ds]);

  if (!abilities(props.me.role).write) {
    return <main class="page"><h1>New task</h1><p>Team owners and editors create annotation tasks; your role is {props.me.role ?? 'none'}. <Link href="/studio/">Back to your tasks</Link>.</p></main>;
  }

  const chosen = schemas?.find((s) => s.id === existing);
  const entities = mode === 'new' ? splitList(sf.entities) : chosen?.entities ?? [];
  const annotatorKeys = keys?.filter((k) => k.role === 'ANNOTATOR' && !k.revoked) ?? [];
  const gazFieldSensitive = f.gazetteer.some((g) => g.source === 'field' && g.field && isSensitive(details[g.dataset] as Dataset, g.field));
  const sensitive = isSensitive(ds, f.textField) || (f.selection === 'where' && isSensitive(ds, f.where.field)) || gazFieldSensitive;
  const idProblem = f.id.trim() ? slugProblem('task', f.id.trim()) : null;
  const newSchemaId = sf.id.trim() || f.id.trim();
  const upd = <K extends keyof TaskForm>(k: K, v: TaskForm[K]) => setF((cur) => ({ ...cur, [k]: v }));
  const row = <T,>(rows: T[], i: number, v: Partial<T>) => rows.map((r, j) => (j === i ? { ...r, ...v } : r));

  // what the form would send, or what to fix
  const plan = () => {
    const problems: string[] = [];
    let schemaId = mode === 'new' ? newSchemaId : '';
    let ents: string[] = [];
    let create: LabelSchemaInput | null = null;
    if (mode === 'new') {
      const r = schemaInput({ ...sf, id: newSchemaId }, team);
      if ('problems' in r) problems.push(...r.problems);
      else { create = r.input; ents = r.input.entities; }
      const same = schemas?.find((s) => s.id === newSchemaId);
      if (same) problems.push(`Label schema ${newSchemaId} (team ${same.team}) exists already: choose it under "An existing schema", or give the new one another id.`);
    } else if (!schemas) {
      problems.push(schemasError ?? 'The label schemas are still loading: wait a moment.');
    } else if (!chosen) {
      problems.push('Choose an existing label schema from the list, or create a new one.');
    } else {
      const p = schemaTeamProblem(chosen.id, chosen.team, ds?.team);
      if (p) problems.push(p);
      schemaId = chosen.id; ents = chosen.entities;
    }
    const t = taskInput(f, schemaId, ents, sensitive);
    if ('problems' in t) problems.push(...t.problems);
    return { problems, create, schemaId, input: 'input' in t ? t.input : null };
  };
  const problems = tried ? plan().problems : [];

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    setTried(true);
    const { problems, create, schemaId, input } = plan();
    if (problems.length || !input) return;
    setBusy(true);
    try {
      if (create) {
        let made: Schema;
        try {
          made = (await gql(CreateSchemaMutation, { input: create })).createLabelSchema;
        } catch (err) {
          setError(`The label schema ${schemaId} was not created (nor the task): ${(err as Error).message}`);
          return;
        }
        // from now on the form uses it, as stored: a retry does not create it again
        setSchemas((l) => [...(l ?? []).filter((s) => s.id !== made.id), made].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)));
        setMode('existing'); setExisting(made.id);
      }
      try {
        const r = await gql(CreateTaskMutation, { input });
        const id = encodeURIComponent(r.createAnnotationTask.id);
        navigate(abilities(props.me.role).review ? `/studio/tasks/${id}/review` : '/studio/');
      } catch (err) {
        setError(create
          ? `Label schema ${schemaId} was created, but the task was not: ${(err as Error).message} The schema stays, and the form now uses it (An existing schema): fix the task and create it again.`
          : `The task was not created: ${(err as Error).message}`);
      }
    } finally {
      setBusy(false);
    }
  };

  const labelSelect = (id: string, value: string, on: (v: string) => void, describedBy?: string) => (
    <select id={id} value={value} onChange={(e) => on(val(e))} aria-describedby={describedBy}>
      <option value="">(choose)</option>
      {entities.map((x) => <option key={x}>{x}</option>)}
      {value && !entities.includes(value) && <option>{value}</option>}
    </select>
  );
  const otherDatasets = list ?? [];
  return (
    <main class="page">
      <h1><Link href="/studio/">Tasks</Link> / New task</h1>
      <form class="create" onSubmit={submit} noValidate>
        <Field id="t-id" label="Task id" hint="Lower-case letters, digits, - and _, at most 63 characters, e.g. vax-ner." problem={idProblem}>
          <input id="t-id" value={f.id} onInput={(e) => upd('id', val(e))} autocomplete="off" spellcheck={false} aria-invalid={idProblem ? 'true' : undefined} aria-describedby="t-id-hint" />
        </Field>
        <div class="row ends">
          <Field id="t-ds" label="Dataset">
            <select id="t-ds" value={f.dataset} onChange={(e) => setF({ ...f, dataset: val(e), textField: '', where: { ...f.where, field: '' } })}>
              <option value="">(choose)</option>
              {otherDatasets.map((d) => <option key={d.id} value={d.id}>{d.id}{d.team !== props.me.team ? ` (${d.team})` : ''}</option>)}
            </select>
          </Field>
          <Field id="t-text" label="Text field" hint="The field holding each document's text (TEXT or STRING).">
            <select id="t-text" value={f.textField} onChange={(e) => upd('textField', val(e))} aria-describedby="t-text-hint">
              {!textFields(ds).length && <option value="">(choose a dataset)</option>}
              {textFields(ds).map((x) => <option key={x.name} value={x.name}>{x.name} ({x.type.toLowerCase()}{x.sensitive ? ', sensitive' : ''})</option>)}
            </select>
          </Field>
        </div>
        {f.dataset && typeof details[f.dataset] === 'string' && <p class="hint">{details[f.dataset] as string}</p>}
        {ds && !textFields(ds).length && (
          <p class="error">Dataset {ds.id} has no TEXT or STRING field{ds.fields.length ? '' : ' yet (no data)'}: <Link href={`/studio/datasets/${encodeURIComponent(ds.id)}`}>add data on its page</Link> first.</p>
        )}
        {ds && <p class="hint">{ds.documentCount} documents · team {ds.team}</p>}

        <fieldset>
          <legend>Label schema</legend>
          <div class="row">
            <label class="check"><input type="radio" name="schema-mode" checked={mode === 'new'} onChange={() => setMode('new')} /> A new schema</label>
            <label class="check"><input type="radio" name="schema-mode" checked={mode === 'existing'} onChange={() => setMode('existing')} /> An existing schema</label>
          </div>
          {mode === 'existing' ? (
            <>
              <Field id="s-existing" label="Existing label schema" problem={schemasError}
                hint={schemas === null ? 'Loading the label schemas you may read…' : !schemas.length ? 'There are no label schemas you may read yet: create a new one.'
                  : `${schemas.length} label schema${schemas.length === 1 ? '' : 's'} you may read${team ? `, those of team ${team} first` : ''}. A task needs a schema of its dataset's team.`}>
                <select id="s-existing" value={existing} onChange={(e) => setExisting(val(e))} aria-describedby="s-existing-hint" disabled={!schemas?.length}>
                  <option value="">(choose)</option>
                  {schemaGroups(schemas ?? [], team).map(([t, l], _, all) => {
                    const options = l.map((x) => <option key={x.id} value={x.id}>{x.id}{x.team !== team ? ` (team ${x.team})` : ''}</option>);
                    return all.length > 1 ? <optgroup key={t} label={t === team ? `Team ${t}${ds ? ' (the dataset\'s)' : ''}` : `Team ${t}`}>{options}</optgroup> : options;
                  })}
                </select>
              </Field>
              {chosen && <SchemaInfo schema={chosen} team={ds?.team} />}
            </>
          ) : (
            <>
              <Field id="s-id" label="New schema id" hint={`Empty: the task id${f.id.trim() ? ` (${f.id.trim()})` : ''}. Schemas are reused by later tasks of the team.`}>
                <input id="s-id" value={sf.id} onInput={(e) => setSf({ ...sf, id: val(e) })} autocomplete="off" spellcheck={false} aria-describedby="s-id-hint" />
              </Field>
              <Field id="s-ent" label="Entity labels (comma-separated)" hint="Labels of the spans annotators mark, e.g. Patient, Hospital, Vaccine. No spaces inside a label.">
                <input id="s-ent" value={sf.entities} onInput={(e) => setSf({ ...sf, entities: val(e) })} aria-describedby="s-ent-hint" />
              </Field>
              <fieldset>
                <legend>Relation types (optional)</legend>
                {sf.relations.map((r, i) => (
                  <div class="row" key={i}>
                    <Field id={`s-rel-${i}`} label={`Relation ${i + 1} name`}><input id={`s-rel-${i}`} value={r.name} onInput={(e) => setSf({ ...sf, relations: row(sf.relations, i, { name: val(e) }) })} /></Field>
                    <Field id={`s-rel-${i}-head`} label="Head labels (comma-separated, empty: any)"><input id={`s-rel-${i}-head`} value={r.head} onInput={(e) => setSf({ ...sf, relations: row(sf.relations, i, { head: val(e) }) })} /></Field>
                    <Field id={`s-rel-${i}-tail`} label="Tail labels (comma-separated, empty: any)"><input id={`s-rel-${i}-tail`} value={r.tail} onInput={(e) => setSf({ ...sf, relations: row(sf.relations, i, { tail: val(e) }) })} /></Field>
                    {sf.relations.length > 1 && <button type="button" onClick={() => setSf({ ...sf, relations: sf.relations.filter((_, j) => j !== i) })}>Remove<span class="sr-only"> relation {i + 1}</span></button>}
                  </div>
                ))}
                <button type="button" onClick={() => setSf({ ...sf, relations: [...sf.relations, { name: '', head: '', tail: '' }] })}>Add a relation type</button>
              </fieldset>
              <EventRows events={sf.events} entities={entities} onChange={(events) => setSf({ ...sf, events })} labelSelect={labelSelect} />
              <div class="row ends">
                <Field id="s-cls" label="Document classes (comma-separated, optional)" hint="Labels of a whole document, e.g. positive, negative.">
                  <input id="s-cls" value={sf.classes} onInput={(e) => setSf({ ...sf, classes: val(e) })} aria-describedby="s-cls-hint" />
                </Field>
                <label class="check"><input type="checkbox" checked={sf.multiLabel} onChange={(e) => setSf({ ...sf, multiLabel: (e.target as HTMLInputElement).checked })} /> A document may take several classes</label>
              </div>
            </>
          )}
        </fieldset>

        <fieldset>
          <legend>Annotators (none ticked or named: every annotator of team {team || '…'})</legend>
          {keysError && <p class="error">{keysError}</p>}
          {keys && !annotatorKeys.length && <p class="hint">Team {team} has no ANNOTATOR keys yet{props.me.role === 'OWNER' ? <>: create them on <Link href="/studio/keys">API keys</Link></> : ''}.</p>}
          {annotatorKeys.length > 0 && (
            <div class="row">
              {annotatorKeys.map((k) => {
                const p = `key:${k.id}`;
                return (
                  <label class="check" key={k.id} title={p}><input type="checkbox" checked={f.picked.includes(p)}
                    onChange={(e) => upd('picked', (e.target as HTMLInputElement).checked ? [...f.picked, p] : f.picked.filter((x) => x !== p))} /> {k.name} <span class="hint">({k.prefix}…)</span></label>
                );
              })}
            </div>
          )}
          <Field id="t-others" label={annotatorKeys.length ? 'Other annotators (principal ids, comma-separated)' : 'Annotators (principal ids, comma-separated)'}
            hint="As me { id } returns them: key:<key id> for an API key, user:<subject> for a signed-in user.">
            <input id="t-others" value={f.others} onInput={(e) => upd('others', val(e))} autocomplete="off" spellcheck={false} aria-describedby="t-others-hint" />
          </Field>
          {annotatorsOf(f).length > 0 && <p class="hint">{annotatorsOf(f).length} annotator{annotatorsOf(f).length === 1 ? '' : 's'} listed: only they annotate.</p>}
        </fieldset>

        <fieldset>
          <legend>Documents</legend>
          <div class="row">
            <label class="check"><input type="radio" name="selection" checked={f.selection === 'all'} onChange={() => upd('selection', 'all')} /> All documents with text</label>
            <label class="check"><input type="radio" name="selection" checked={f.selection === 'sample'} onChange={() => upd('selection', 'sample')} /> A random sample</label>
            <label class="check"><input type="radio" name="selection" checked={f.selection === 'where'} onChange={() => upd('selection', 'where')} /> Those matching a filter</label>
          </div>
          {f.selection === 'sample' && (
            <div class="row ends">
              <Field id="t-sample" label="Sample size"><input id="t-sample" type="number" min={1} value={f.sample} onInput={(e) => upd('sample', val(e))} /></Field>
              <Field id="t-seed" label="Seed" hint="The same seed draws the same sample (default 0)."><input id="t-seed" type="number" min={0} value={f.seed} onInput={(e) => upd('seed', val(e))} aria-describedby="t-seed-hint" /></Field>
            </div>
          )}
          {f.selection === 'where' && (
            <div class="row ends">
              <Field id="t-wf" label="Where field">
                <select id="t-wf" value={f.where.field} onChange={(e) => upd('where', { ...f.where, field: val(e) })}>
                  <option value="">(choose)</option>{ds?.fields.map((x) => <option key={x.name}>{x.name}</option>)}
                </select>
              </Field>
              <Field id="t-wop" label="Operator">
                <select id="t-wop" value={f.where.op} onChange={(e) => upd('where', { ...f.where, op: val(e) })}>{WHERE_OPS.map((o) => <option key={o}>{o}</option>)}</select>
              </Field>
              <Field id="t-wv" label="Value" hint={'JSON when it parses: 10, true, ["a", "b"] for in; else text.'}>
                <input id="t-wv" value={f.where.value} onInput={(e) => upd('where', { ...f.where, value: val(e) })} aria-describedby="t-wv-hint" />
              </Field>
            </div>
          )}
          <Field id="t-overlap" label="Overlap" hint="How many annotators label each document (1 to 10); more than 1 gives agreement scores.">
            <input id="t-overlap" type="number" min={1} max={10} value={f.overlap} onInput={(e) => upd('overlap', val(e))} aria-describedby="t-overlap-hint" />
          </Field>
        </fieldset>

        <Field id="t-guide" label="Guidelines (optional, Markdown)" hint="Shown to annotators with the task.">
          <textarea id="t-guide" rows={5} value={f.guidelines} onInput={(e) => upd('guidelines', val(e))} aria-describedby="t-guide-hint" />
        </Field>

        <fieldset>
          <legend>Pre-annotation (optional): suggestions annotators accept or reject</legend>
          {!entities.length && <p class="hint">{mode === 'new' ? 'List the entity labels above' : 'Choose a schema with entity labels'} to suggest spans.</p>}
          <h3>Patterns</h3>
          {f.patterns.map((r, i) => (
            <div class="row ends" key={i}>
              <Field id={`p-${i}-label`} label={`Pattern ${i + 1} label`}>{labelSelect(`p-${i}-label`, r.label, (v) => upd('patterns', row<PatternRow>(f.patterns, i, { label: v })))}</Field>
              <Field id={`p-${i}-re`} label={`Pattern ${i + 1} regular expression (RE2)`}><input id={`p-${i}-re`} value={r.pattern} spellcheck={false} onInput={(e) => upd('patterns', row<PatternRow>(f.patterns, i, { pattern: val(e) }))} /></Field>
              <button type="button" onClick={() => upd('patterns', f.patterns.filter((_, j) => j !== i))}>Remove<span class="sr-only"> pattern {i + 1}</span></button>
            </div>
          ))}
          <button type="button" onClick={() => upd('patterns', [...f.patterns, { label: '', pattern: '' }])}>Add a pattern</button>
          <h3>Gazetteers</h3>
          {f.gazetteer.map((g, i) => {
            const src = typeof details[g.dataset] === 'object' ? (details[g.dataset] as Dataset) : undefined;
            const set = (v: Partial<GazetteerRow>) => upd('gazetteer', row<GazetteerRow>(f.gazetteer, i, v));
            return (
              <div class="row ends" key={i}>
                <Field id={`g-${i}-label`} label={`Gazetteer ${i + 1} label`}>{labelSelect(`g-${i}-label`, g.label, (v) => set({ label: v }))}</Field>
                <Field id={`g-${i}-src`} label="Terms from">
                  <select id={`g-${i}-src`} value={g.source} onChange={(e) => set({ source: val(e) as GazetteerRow['source'] })}>
                    <option value="keys">the keys of a dataset</option><option value="field">the values of a dataset's field</option><option value="terms">a list</option>
                  </select>
                </Field>
                {g.source === 'terms' ? (
                  <Field id={`g-${i}-terms`} label="Terms (comma-separated)"><input id={`g-${i}-terms`} value={g.terms} onInput={(e) => set({ terms: val(e) })} /></Field>
                ) : (
                  <Field id={`g-${i}-ds`} label={`Gazetteer ${i + 1} dataset`}>
                    <select id={`g-${i}-ds`} value={g.dataset} onChange={(e) => set({ dataset: val(e), field: '' })}>
                      <option value="">(choose)</option>{otherDatasets.map((d) => <option key={d.id} value={d.id}>{d.id}</option>)}
                    </select>
                  </Field>
                )}
                {g.source === 'field' && (
                  <Field id={`g-${i}-field`} label={`Gazetteer ${i + 1} field`}>
                    <select id={`g-${i}-field`} value={g.field} onChange={(e) => set({ field: val(e) })}>
                      <option value="">(choose)</option>{textFields(src).map((x) => <option key={x.name} value={x.name}>{x.name}{x.sensitive ? ' (sensitive)' : ''}</option>)}
                    </select>
                  </Field>
                )}
                <button type="button" onClick={() => upd('gazetteer', f.gazetteer.filter((_, j) => j !== i))}>Remove<span class="sr-only"> gazetteer {i + 1}</span></button>
              </div>
            );
          })}
          <button type="button" onClick={() => upd('gazetteer', [...f.gazetteer, { label: '', source: 'keys', terms: '', dataset: '', field: '' }])}>Add a gazetteer</button>
        </fieldset>

        {sensitive && (
          <div class="banner lease">
            <span>
              <label class="check"><input type="checkbox" checked={f.allowSensitiveText} aria-describedby="t-sens-help" onChange={(e) => upd('allowSensitiveText', (e.target as HTMLInputElement).checked)} /> Let the listed annotators read the sensitive text</label>
              <span id="t-sens-help" class="hint">{SENSITIVE_HELP}</span>
            </span>
          </div>
        )}

        <button type="submit" class="primary" disabled={busy}>{busy ? 'Creating…' : 'Create task'}</button>
        {problems.length > 0 && <div role="alert" class="error"><p>Fix these first:</p><ul>{problems.map((p) => <li key={p}>{p}</li>)}</ul></div>}
        {error && <p role="alert" class="error">{error}</p>}
      </form>
    </main>
  );
}

/**
 * Every label schema the caller may read, by id (labelSchemas, 400 a page: a
 * schema with its nested labels costs about 17 units, and the server refuses
 * queries over 10,000).
 */
async function readableSchemas(): Promise<Schema[]> {
  const out: Schema[] = [];
  let after: string | null | undefined;
  for (;;) {
    const c = (await gql(LabelSchemasQuery, { first: 400, after })).labelSchemas;
    out.push(...c.edges.map((e) => e.node));
    if (!c.pageInfo.hasNextPage || !c.pageInfo.endCursor) return out;
    after = c.pageInfo.endCursor;
  }
}

/**
 * The event type rows of a new schema: each a group with its name, its
 * trigger label (one of entities, chosen with labelSelect) and one row per
 * role (a name and the entity labels allowed, comma-separated).
 */
function EventRows(props: { events: EventRow[]; entities: string[]; onChange: (events: EventRow[]) => void; labelSelect: (id: string, value: string, on: (v: string) => void, describedBy?: string) => preact.JSX.Element }) {
  const { events, onChange } = props;
  const set = (i: number, v: Partial<EventRow>) => onChange(events.map((e, j) => (j === i ? { ...e, ...v } : e)));
  const setRole = (i: number, k: number, v: Partial<RoleRow>) => set(i, { roles: events[i].roles.map((r, j) => (j === k ? { ...r, ...v } : r)) });
  return (
    <fieldset>
      <legend>Event types (optional): a trigger span and the roles its arguments fill</legend>
      {events.length > 0 && !props.entities.length && <p class="hint">List the entity labels above: an event's trigger and roles take entity labels.</p>}
      {events.map((e, i) => (
        <fieldset key={i}>
          <legend>Event type {i + 1}</legend>
          <div class="row ends">
            <Field id={`s-ev-${i}`} label={`Event ${i + 1} name`} hint="e.g. vaccination"><input id={`s-ev-${i}`} value={e.name} onInput={(x) => set(i, { name: val(x) })} aria-describedby={`s-ev-${i}-hint`} /></Field>
            <Field id={`s-ev-${i}-trigger`} label={`Event ${i + 1} trigger label`} hint="The entity label of the span that signals the event.">
              {props.labelSelect(`s-ev-${i}-trigger`, e.trigger, (v) => set(i, { trigger: v }), `s-ev-${i}-trigger-hint`)}
            </Field>
            <button type="button" onClick={() => onChange(events.filter((_, j) => j !== i))}>Remove<span class="sr-only"> event type {i + 1}</span></button>
          </div>
          {e.roles.map((r, k) => (
            <div class="row ends" key={k}>
              <Field id={`s-ev-${i}-role-${k}`} label={`Event ${i + 1} role ${k + 1} name`}><input id={`s-ev-${i}-role-${k}`} value={r.name} onInput={(x) => setRole(i, k, { name: val(x) })} /></Field>
              <Field id={`s-ev-${i}-role-${k}-labels`} label={`Event ${i + 1} role ${k + 1} labels (comma-separated, empty: any)`}>
                <input id={`s-ev-${i}-role-${k}-labels`} value={r.labels} onInput={(x) => setRole(i, k, { labels: val(x) })} />
              </Field>
              <button type="button" onClick={() => set(i, { roles: e.roles.filter((_, j) => j !== k) })}>Remove<span class="sr-only"> role {k + 1} of event type {i + 1}</span></button>
            </div>
          ))}
          <button type="button" onClick={() => set(i, { roles: [...e.roles, { name: '', labels: '' }] })}>Add a role<span class="sr-only"> to event type {i + 1}</span></button>
        </fieldset>
      ))}
      <button type="button" onClick={() => onChange([...events, { name: '', trigger: '', roles: [{ name: '', labels: '' }, { name: '', labels: '' }] }])}>Add an event type</button>
    </fieldset>
  );
}

/** What a chosen schema holds, and whether it can label the dataset of team (undefined: no dataset yet). */
function SchemaInfo(props: { schema: Schema; team?: string }) {
  const s = props.schema;
  const bad = schemaTeamProblem(s.id, s.team, props.team);
  return (
    <div role="status" class="schema">
      <p>Schema <b>{s.id}</b> of team {s.team}{bad && <span class="error"> — the dataset belongs to team {props.team}: a task needs a schema of its dataset's team</span>}</p>
      <ul>
        <li>Entities: {s.entities.join(', ') || 'none'}</li>
        {s.relations.length > 0 && <li>Relations: {s.relations.map((r) => `${r.name} (${r.head.join('|') || 'any'} → ${r.tail.join('|') || 'any'})`).join(', ')}</li>}
        {s.events.length > 0 && <li>Events: {s.events.map(describeEvent).join(', ')}</li>}
        {s.classes.length > 0 && <li>Classes{s.multiLabel ? ' (several per document)' : ''}: {s.classes.join(', ')}</li>}
      </ul>
    </div>
  );
}
