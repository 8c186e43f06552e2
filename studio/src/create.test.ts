import { describe, expect, it } from 'vitest';
import { annotatorsOf, datasetInput, describeEvent, labelProblem, schemaGroups, schemaInput, schemaTeamProblem, slugProblem, splitList, suggestSlug, taskInput, type SchemaForm, type TaskForm } from './create';
import { filterValue } from './filters';

const task = (over: Partial<TaskForm> = {}): TaskForm => ({
  id: 'vax-ner', dataset: 'posts', textField: 'text', picked: [], others: '', overlap: '1',
  selection: 'all', sample: '', seed: '', where: { field: '', op: 'eq', value: '' }, guidelines: '',
  patterns: [], gazetteer: [], allowSensitiveText: false, ...over,
});
const problems = (r: { problems: string[] } | object) => ('problems' in r ? r.problems : []);

describe('slugs', () => {
  it('takes the server\'s slugs', () => {
    for (const ok of ['posts', 'a', '0x', 'weibo_2024-q1', 'a'.repeat(63)]) expect(slugProblem('dataset', ok)).toBeNull();
  });
  it('says what is wrong and suggests a slug', () => {
    expect(slugProblem('dataset', '')).toBe('Give the dataset an id.');
    expect(slugProblem('dataset', 'Weibo Posts')).toMatch(/upper-case letters.*e\.g\. weibo-posts/);
    expect(slugProblem('task', '-x')).toMatch(/must start with a lower-case letter or a digit/);
    expect(slugProblem('task', 'a b')).toMatch(/only lower-case letters, digits, - and _ \(e\.g\. a-b\)/);
    expect(slugProblem('task', 'a'.repeat(64))).toMatch(/64 characters long; use at most 63/);
    expect(slugProblem('task', '帖子')).toMatch(/only lower-case/);
    expect(suggestSlug('  Hello, World! ')).toBe('hello-world');
    expect(suggestSlug('帖子')).toBe('my-id');
  });
});

describe('lists and labels', () => {
  it('splits on commas (also full-width) and new lines, trimmed, without repeats', () => {
    expect(splitList(' Patient, Hospital ,,Patient\nVaccine，药品、医院 ')).toEqual(['Patient', 'Hospital', 'Vaccine', '药品', '医院']);
    expect(splitList('  ')).toEqual([]);
  });
  it('refuses labels with spaces', () => {
    expect(labelProblem('Entity label', 'Hospital')).toBeNull();
    expect(labelProblem('Entity label', 'Drug name')).toMatch(/contains a space.*Drug_name/);
  });
  it('reads filter values as JSON when they parse', () => {
    expect(filterValue('eq', '3')).toBe(3);
    expect(filterValue('in', '["a","b"]')).toEqual(['a', 'b']);
    expect(filterValue('eq', 'weibo')).toBe('weibo');
    expect(filterValue('regex', '^\\d+$')).toBe('^\\d+$');
    expect(filterValue('contains', '42')).toBe('42');
    expect(filterValue('exists', 'false')).toBe(false);
    expect(filterValue('exists', '')).toBe(true);
  });
});

describe('datasetInput', () => {
  it('builds createDataset\'s input, leaving out empty optional parts', () => {
    expect(datasetInput({ id: ' posts ', name: ' Posts ', description: '', keyField: '', team: 'ward' })).toEqual({ input: { id: 'posts', name: 'Posts', team: 'ward' } });
    expect(datasetInput({ id: 'posts', name: 'Posts', description: 'Weibo', keyField: 'id', team: 'ward' })).toEqual({
      input: { id: 'posts', name: 'Posts', team: 'ward', description: 'Weibo', keyField: 'id' } });
  });
  it('lists every problem', () => {
    expect(problems(datasetInput({ id: 'Posts', name: '', description: '', keyField: '', team: '' }))).toEqual([
      expect.stringMatching(/upper-case/), expect.stringMatching(/Give the dataset a name/), expect.stringMatching(/Choose the team/)]);
  });
});

describe('schemaInput', () => {
  it('builds createLabelSchema\'s input from comma-separated lists and relation rows', () => {
    expect(schemaInput({ id: 'vax', entities: 'Patient, Hospital', classes: '', multiLabel: true, events: [],
      relations: [{ name: 'treated_at', head: 'Patient', tail: 'Hospital' }, { name: 'related', head: '', tail: '' }, { name: '', head: '', tail: '' }] }, 'ward')).toEqual({
      input: { id: 'vax', team: 'ward', entities: ['Patient', 'Hospital'], relations: [{ name: 'treated_at', head: ['Patient'], tail: ['Hospital'] }, { name: 'related' }] } });
    expect(schemaInput({ id: 'sent', entities: '', classes: 'positive, negative', multiLabel: false, relations: [], events: [] }, 'ward')).toEqual({
      input: { id: 'sent', team: 'ward', entities: [], classes: ['positive', 'negative'], multiLabel: false } });
  });
  it('refuses an empty schema, spaced labels and relation ends that are not entities', () => {
    expect(problems(schemaInput({ id: 'x', entities: '', classes: '', multiLabel: false, relations: [], events: [] }, 't'))).toEqual([expect.stringMatching(/at least one entity label or one document class/)]);
    const p = problems(schemaInput({ id: 'x', entities: 'Drug name, Dose', classes: '', multiLabel: false, events: [],
      relations: [{ name: 'has', head: 'Drug', tail: 'Dose' }, { name: 'has', head: '', tail: '' }, { name: '', head: 'Dose', tail: '' }] }, 't'));
    for (const re of [/"Drug name" contains a space/, /head or tail labels but no name/, /names "Drug", which is not one of the entity labels/, /has is listed twice/]) {
      expect(p.some((x) => re.test(x)), `${re} in ${JSON.stringify(p)}`).toBe(true);
    }
    expect(p).toHaveLength(4);
  });
});

describe('event types', () => {
  const sf = (events: SchemaForm['events']): SchemaForm => ({ id: 'vax', entities: 'Patient, Hospital, Vaccine', classes: '', multiLabel: false, relations: [], events });
  it('carries event types with their trigger and roles, in order, leaving out empty rows', () => {
    expect(schemaInput(sf([
      { name: ' vaccination ', trigger: 'Vaccine', roles: [{ name: 'patient', labels: 'Patient' }, { name: '', labels: '' }, { name: 'place', labels: 'Hospital, Patient' }, { name: 'when', labels: '' }] },
      { name: 'visit', trigger: 'Hospital', roles: [] },
      { name: '', trigger: '', roles: [{ name: '', labels: '' }] },
    ]), 'ward')).toEqual({ input: { id: 'vax', team: 'ward', entities: ['Patient', 'Hospital', 'Vaccine'], events: [
      { name: 'vaccination', trigger: 'Vaccine', roles: [{ name: 'patient', labels: ['Patient'] }, { name: 'place', labels: ['Hospital', 'Patient'] }, { name: 'when' }] },
      { name: 'visit', trigger: 'Hospital', roles: [] },
    ] } });
  });
  it('refuses unnamed, repeated and spaced names, a missing or unknown trigger and role labels that are not entities', () => {
    const p = problems(schemaInput(sf([
      { name: '', trigger: 'Vaccine', roles: [] },
      { name: 'shot', trigger: '', roles: [{ name: 'patient', labels: 'Patient' }, { name: 'patient', labels: 'Person' }, { name: '', labels: 'Hospital' }] },
      { name: 'shot', trigger: 'Drug', roles: [{ name: 'given by', labels: '' }] },
      { name: 'the shot', trigger: 'Vaccine', roles: [] },
    ]), 't'));
    for (const re of [/An event type has a trigger label or roles but no name/, /Choose the trigger label of event type shot/, /has role patient twice/,
      /Role patient of event type shot names "Person", which is not one of the entity labels \(Patient, Hospital, Vaccine\)/, /A role of event type shot has labels but no name/,
      /Event type shot is listed twice/, /trigger of event type shot, "Drug", is not one of the entity labels/, /Role of event type shot "given by" contains a space/,
      /Event type "the shot" contains a space/]) {
      expect(p.some((x) => re.test(x)), `${re} in ${JSON.stringify(p)}`).toBe(true);
    }
    expect(p).toHaveLength(9);
  });
  it('reads an event type back as people say it', () => {
    expect(describeEvent({ name: 'vaccination', trigger: 'Vaccine', roles: [{ name: 'patient', labels: ['Patient'] }, { name: 'place', labels: ['Hospital', 'Clinic'] }, { name: 'when', labels: [] }] }))
      .toBe('vaccination (trigger Vaccine; patient: Patient; place: Hospital|Clinic; when: any)');
    expect(describeEvent({ name: 'visit', trigger: 'Hospital', roles: [] })).toBe('visit (trigger Hospital)');
  });
});

describe('existing schemas', () => {
  const l = [{ id: 'a', team: 'lab' }, { id: 'b', team: 'ward' }, { id: 'c', team: 'clinic' }, { id: 'd', team: 'ward' }, { id: 'e', team: 'lab' }];
  it('lists the dataset\'s team first, then the others by team', () => {
    expect(schemaGroups(l, 'ward')).toEqual([['ward', [l[1], l[3]]], ['clinic', [l[2]]], ['lab', [l[0], l[4]]]]);
    expect(schemaGroups(l, 'none').map(([t]) => t)).toEqual(['clinic', 'lab', 'ward']);
    expect(schemaGroups([], 'ward')).toEqual([]);
  });
  it('refuses a schema of another team than the dataset\'s', () => {
    expect(schemaTeamProblem('vax', 'ward', 'ward')).toBeNull();
    expect(schemaTeamProblem('vax', 'ward', undefined)).toBeNull();
    expect(schemaTeamProblem('vax', 'lab', 'ward')).toMatch(/vax belongs to team lab, the dataset to team ward: .*Choose one of team ward/);
  });
});

describe('taskInput', () => {
  it('builds the smallest input: every document, overlap 1, every annotator of the team', () => {
    expect(taskInput(task(), 'vax', ['Patient'], false)).toEqual({ input: { id: 'vax-ner', dataset: 'posts', textField: 'text', schema: 'vax' } });
  });
  it('carries annotators, overlap, a sample, guidelines, patterns and gazetteers', () => {
    const r = taskInput(task({
      picked: ['key:a1'], others: 'user:bo, key:a1', overlap: '2', selection: 'sample', sample: '50', seed: '7', guidelines: ' Mark patients. ',
      patterns: [{ label: 'Patient', pattern: 'P\\d{4}' }, { label: '', pattern: '' }],
      gazetteer: [
        { label: 'Patient', source: 'keys', terms: '', dataset: 'patients', field: 'ignored' },
        { label: 'Hospital', source: 'field', terms: '', dataset: 'hospitals', field: 'name' },
        { label: 'Hospital', source: 'terms', terms: '华西医院, 协和医院', dataset: '', field: '' },
        { label: '', source: 'terms', terms: '', dataset: '', field: '' },
        { label: '', source: 'keys', terms: '', dataset: '', field: '' },
      ],
    }), 'vax', ['Patient', 'Hospital'], false);
    expect(r).toEqual({ input: {
      id: 'vax-ner', dataset: 'posts', textField: 'text', schema: 'vax', overlap: 2, annotators: ['key:a1', 'user:bo'], sample: 50, seed: 7,
      guidelines: 'Mark patients.', patterns: [{ label: 'Patient', pattern: 'P\\d{4}' }],
      gazetteer: [{ label: 'Patient', dataset: 'patients' }, { label: 'Hospital', dataset: 'hospitals', field: 'name' }, { label: 'Hospital', terms: ['华西医院', '协和医院'] }],
    } });
  });
  it('selects with a where filter', () => {
    expect(taskInput(task({ selection: 'where', where: { field: 'likes', op: 'gte', value: '10' } }), 'vax', [], false)).toEqual({
      input: { id: 'vax-ner', dataset: 'posts', textField: 'text', schema: 'vax', where: [{ field: 'likes', op: 'gte', value: 10 }] } });
  });
  it('lists what to fix', () => {
    const p = problems(taskInput(task({ id: 'Vax', dataset: 'posts', textField: '', overlap: '11', selection: 'sample', sample: 'x', seed: '-1',
      patterns: [{ label: 'Drug', pattern: 'x' }, { label: 'Patient', pattern: '' }],
      gazetteer: [{ label: 'Patient', source: 'keys', terms: '', dataset: '', field: '' }, { label: 'Patient', source: 'field', terms: '', dataset: 'p', field: '' }] }), '', ['Patient'], false));
    for (const re of [/upper-case/, /field that holds each document's text/, /Choose a label schema/, /Overlap .* 1 to 10/, /sample size/, /seed is a whole number/,
      /pattern label Drug is not an entity label/, /regular expression of the Patient pattern/, /dataset the Patient terms come from/, /field of p whose values/]) {
      expect(p.some((x) => re.test(x)), `${re} in ${JSON.stringify(p)}`).toBe(true);
    }
    expect(p).toHaveLength(10);
  });
  it('needs the owner\'s decision and listed annotators for sensitive text', () => {
    expect(problems(taskInput(task(), 'vax', [], true))).toEqual([expect.stringMatching(/draws from a sensitive field: tick/)]);
    expect(problems(taskInput(task({ allowSensitiveText: true }), 'vax', [], true))).toEqual([expect.stringMatching(/needs them listed/)]);
    expect(taskInput(task({ allowSensitiveText: true, picked: ['key:a1'] }), 'vax', [], true)).toEqual({
      input: { id: 'vax-ner', dataset: 'posts', textField: 'text', schema: 'vax', annotators: ['key:a1'], allowSensitiveText: true } });
    // not sensitive: the box is not sent even if ticked earlier
    expect(taskInput(task({ allowSensitiveText: true }), 'vax', [], false)).toEqual({ input: { id: 'vax-ner', dataset: 'posts', textField: 'text', schema: 'vax' } });
  });
  it('joins ticked and typed annotators', () => {
    expect(annotatorsOf({ picked: ['key:1', 'key:2'], others: 'key:2,user:x' })).toEqual(['key:1', 'key:2', 'user:x']);
  });
});
