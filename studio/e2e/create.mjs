// An owner starts work in MMS Studio without writing GraphQL, in Debian's
// Chromium: New dataset (a bad id refused in the page first), a file of posts
// uploaded with Add data and followed to success, then New task with a new
// label schema (an event type with two roles, one role's label first refused
// in the page), a pattern, a gazetteer from the keys of dataset patients and
// one annotator ticked. The first try has a pattern RE2 refuses: the schema is
// made, the task is not, and the page says so; the retry reuses the schema.
// A second task on sensitive notes: schema triage (made through the API, used
// by no task) chosen from the list of readable schemas, the owner's decision.
// Then annotators: bob (not ticked) sees the task as not assigned to him,
// alice (ticked) can open it. An admin (no team of its own) chooses the team
// of a new dataset from the list. axe-core on both new pages and their new
// states; no request may leave the origin. Run by TestStudioCreateInBrowser, which checks what was stored:
//   node studio/e2e/create.mjs <url> <owner key> <alice's key> <bob's key> <admin key> [screenshot dir]
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, rmSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, ownerKey, aliceKey, bobKey, adminKey, shots = ''] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const profile = mkdtempSync(join(tmpdir(), 'mms-studio-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 860 },
});
const origin = new URL(url).origin;
const offsite = [];
const page = browser.pages()[0] ?? (await browser.newPage());
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
page.on('pageerror', (e) => consoleErrors.push(String(e)));
page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) offsite.push(r.url()); });
const checked = [];
const axe = async (name) => {
  await page.evaluate(axeSource);
  const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((x) => ({ id: x.id, impact: x.impact, nodes: x.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
  const bad = v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
  if (bad.length) throw new Error(`axe on ${name}: ${JSON.stringify(bad)}`);
  checked.push(name);
};
const signIn = async (key, heading = 'Annotation tasks') => {
  await page.getByRole('textbox', { name: 'API key' }).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: heading }).waitFor();
};
const alertText = async () => (await page.getByRole('alert').count()) ? await page.getByRole('alert').first().textContent() : '';
try {
  page.setDefaultTimeout(15000);
  if (shots) mkdirSync(shots, { recursive: true });
  await page.goto(`${url}/studio/`);
  await signIn(ownerKey);
  await page.getByText(/No annotation tasks for you yet\. Create one from a dataset/).waitFor();

  // New dataset: a bad id is refused in the page, with what to type instead
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
  await page.getByRole('link', { name: 'New dataset' }).click();
  await page.getByRole('heading', { name: /New dataset/ }).waitFor();
  await page.getByLabel('Id', { exact: true }).fill('Weibo Posts');
  await page.getByText(/has upper-case letters; .*e\.g\. weibo-posts/).waitFor();
  await page.getByRole('button', { name: 'Create dataset' }).click();
  const refused = await alertText();
  if (!/Fix these first/.test(refused) || !/Give the dataset a name/.test(refused)) throw new Error(`the refused form says: ${refused}`);
  await axe('new-dataset (refused)');
  await page.getByLabel('Id', { exact: true }).fill('posts');
  await page.getByLabel('Name', { exact: true }).fill('Weibo posts');
  await page.getByLabel('Description (optional)').fill('Posts mentioning patients');
  await page.getByLabel('Key field (optional)').fill('id');
  if (await page.getByRole('alert').count()) throw new Error(`fixed, the form still says: ${await alertText()}`);
  await axe('new-dataset');
  if (shots) await page.screenshot({ path: join(shots, 'new-dataset.png'), fullPage: true });
  await page.getByRole('button', { name: 'Create dataset' }).click();
  await page.getByRole('heading', { name: /Datasets \/ posts/ }).waitFor();
  if (!page.url().endsWith('/studio/datasets/posts')) throw new Error(`after creating: ${page.url()}`);

  // Add data: the posts, as NDJSON, followed to the end
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'posts.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from([
    { id: 'p1', text: '患者P0001在华西医院接种了乙肝疫苗' },
    { id: 'p2', text: 'P0002昨天去协和医院复诊' },
    { id: 'p3', text: 'P0009 没有记录' },
  ].map((x) => JSON.stringify(x)).join('\n') + '\n') });
  if ((await page.getByLabel('Format', { exact: true }).inputValue()) !== 'NDJSON') throw new Error('the format was not read from the file name');
  await page.getByRole('button', { name: 'Ingest', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /^Succeeded · 100%/ }).waitFor({ timeout: 60000 });
  await page.getByText(/· 3 documents/).waitFor();
  await page.getByRole('cell', { name: 'text', exact: true }).waitFor();

  // New task
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
  await page.getByRole('link', { name: 'New task' }).first().click();
  await page.getByRole('heading', { name: /New task/ }).waitFor();
  // nothing filled in: what to fix, listed in the page
  await page.getByRole('button', { name: 'Create task' }).click();
  const empty = await alertText();
  for (const want of ['Give the task an id.', 'Choose the dataset whose documents are annotated.', 'List at least one entity label or one document class']) {
    if (!empty.includes(want)) throw new Error(`the empty form says: ${empty}`);
  }
  await page.getByLabel('Task id').fill('vax-ner');
  await page.getByLabel('Dataset', { exact: true }).selectOption('posts');
  await page.locator('#t-text option[value="text"]').waitFor({ state: 'attached' });
  if ((await page.getByLabel('Text field').inputValue()) !== 'text') throw new Error('the text field was not chosen');
  await page.getByLabel('New schema id').fill('vax');
  await page.getByLabel('Entity labels (comma-separated)').fill('Patient, Hospital, Vaccine');
  await page.getByLabel('Relation 1 name').fill('vaccinated_at');
  await page.getByLabel(/^Head labels/).fill('Patient');
  await page.getByLabel(/^Tail labels/).fill('Hospital');
  await page.getByLabel(/^Document classes/).fill('positive, negative');
  // an event type: a trigger and two roles, one with a label that is no entity (refused in the page, then fixed)
  await page.getByRole('button', { name: 'Add an event type' }).click();
  await page.getByLabel('Event 1 name', { exact: true }).fill('vaccination');
  await page.getByLabel('Event 1 trigger label', { exact: true }).selectOption('Vaccine');
  await page.getByLabel('Event 1 role 1 name', { exact: true }).fill('patient');
  await page.getByLabel('Event 1 role 1 labels (comma-separated, empty: any)').fill('Patient');
  await page.getByLabel('Event 1 role 2 name', { exact: true }).fill('place');
  await page.getByLabel('Event 1 role 2 labels (comma-separated, empty: any)').fill('Clinic');
  await page.getByRole('alert').filter({ hasText: 'Role place of event type vaccination names "Clinic", which is not one of the entity labels (Patient, Hospital, Vaccine).' }).waitFor();
  await axe('new-task (event type refused)');
  await page.getByLabel('Event 1 role 2 labels (comma-separated, empty: any)').fill('Hospital');
  await page.getByRole('alert').filter({ hasText: /event type/ }).waitFor({ state: 'detached' }); // fixed: no problem of the event type left
  // the team's annotator keys by name; bob stays unticked
  await page.getByRole('checkbox', { name: /^alice/ }).check();
  await page.getByRole('checkbox', { name: /^bob/ }).waitFor();
  await page.getByText('1 annotator listed: only they annotate.').waitFor();
  await page.getByLabel(/^Guidelines/).fill('Mark every patient id and hospital.');
  // pre-annotation: a lookbehind, which RE2 (the server's) refuses, and the keys of patients
  await page.getByLabel('Pattern 1 label').selectOption('Hospital');
  await page.getByLabel('Pattern 1 regular expression (RE2)').fill('(?<=在)\\p{Han}{2}医院');
  await page.getByLabel('Gazetteer 1 label').selectOption('Patient');
  await page.getByLabel('Terms from').selectOption('keys');
  await page.getByLabel('Gazetteer 1 dataset').selectOption('patients');
  await axe('new-task');
  if (shots) await page.screenshot({ path: join(shots, 'new-task.png'), fullPage: true });
  await page.getByRole('button', { name: 'Create task' }).click();
  await page.getByRole('alert').filter({ hasText: /Label schema vax was created, but the task was not: .*The schema stays, and the form now uses it/ }).waitFor();
  // the form now uses the schema it made, read back from the server
  if (!(await page.getByRole('radio', { name: 'An existing schema' }).isChecked())) throw new Error('the form does not use the schema it made');
  if ((await page.getByLabel('Existing label schema').inputValue()) !== 'vax') throw new Error('the existing schema chosen is not vax');
  await page.getByRole('status').filter({ hasText: 'Entities: Patient, Hospital, Vaccine' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Relations: vaccinated_at (Patient → Hospital)' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Events: vaccination (trigger Vaccine; patient: Patient; place: Hospital)' }).waitFor();
  await axe('new-task (task refused)');
  await page.getByLabel('Pattern 1 regular expression (RE2)').fill('\\p{Han}{2}医院');
  await page.getByRole('button', { name: 'Create task' }).click();
  await page.getByRole('heading', { name: /vax-ner · review/ }).waitFor({ timeout: 30000 });
  await page.getByText('items complete').waitFor();
  if (await page.getByRole('alert').count()) throw new Error(`on the review page: ${await alertText()}`);

  // a task on sensitive text: an existing schema chosen from the list, and the owner's decision
  await page.getByRole('link', { name: 'Tasks', exact: true }).first().click();
  await page.getByRole('link', { name: 'New task' }).first().click();
  await page.getByLabel('Task id').fill('notes-review');
  await page.getByLabel('Dataset', { exact: true }).selectOption('notes');
  await page.locator('#t-text option[value="note"]').waitFor({ state: 'attached' });
  if ((await page.getByLabel('Text field').inputValue()) !== 'note') throw new Error('the notes\' text field was not chosen');
  const allow = page.getByRole('checkbox', { name: 'Let the listed annotators read the sensitive text' });
  await allow.waitFor();
  if (!/only callers with share rights \(OWNER, ADMIN\) and read-sensitive/i.test(await page.locator('#t-sens-help').textContent())) throw new Error('the sensitive text is not explained');
  await page.getByRole('radio', { name: 'An existing schema' }).check();
  // the schemas the owner may read, its team's: triage (made through the API, used by no task) and vax; not another team's
  const pick = page.getByLabel('Existing label schema');
  await pick.locator('option', { hasText: /^vax$/ }).waitFor({ state: 'attached' }); // (no value attribute: Preact leaves it when it equals the text)
  const offered = await pick.locator('option').evaluateAll((os) => os.map((o) => o.value));
  if (JSON.stringify(offered) !== JSON.stringify(['', 'triage', 'vax'])) throw new Error(`the schemas offered: ${JSON.stringify(offered)}`);
  await pick.selectOption('triage');
  await page.getByRole('status').filter({ hasText: 'Schema triage of team ward' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Entities: Patient, Drug, Dose' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Events: prescription (trigger Drug; patient: Patient; dose: Dose|Drug)' }).waitFor();
  await page.getByRole('status').filter({ hasText: 'Classes: urgent, routine' }).waitFor();
  await axe('new-task (existing schema from the list)');
  await page.getByRole('button', { name: 'Create task' }).click();
  await page.getByRole('alert').filter({ hasText: /draws from a sensitive field: tick/ }).waitFor();
  await allow.check();
  await page.getByRole('alert').filter({ hasText: /needs them listed/ }).waitFor();
  await page.getByRole('checkbox', { name: /^alice/ }).check();
  await page.getByRole('alert').waitFor({ state: 'detached' });
  await axe('new-task (sensitive)');
  await page.getByRole('button', { name: 'Create task' }).click();
  await page.getByRole('heading', { name: /notes-review · review/ }).waitFor({ timeout: 30000 });

  // the owner is not listed: the task is not theirs to annotate
  await page.getByRole('link', { name: 'Tasks', exact: true }).first().click();
  await page.getByRole('cell', { name: /vax-ner not assigned to you/ }).waitFor();

  // bob, an annotator not ticked: listed, not linked, no New task
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(bobKey);
  await page.getByRole('cell', { name: /vax-ner not assigned to you/ }).waitFor();
  if (await page.getByRole('link', { name: 'vax-ner' }).count()) throw new Error('bob sees vax-ner as a link');
  if (await page.getByRole('link', { name: 'New task' }).count()) throw new Error('an annotator is offered New task');
  // alice, ticked: the task opens
  await page.getByRole('button', { name: 'Sign out' }).click();
  await signIn(aliceKey);
  await page.getByRole('link', { name: 'vax-ner', exact: true }).click();
  await page.locator('.doctext').waitFor();
  // an admin chooses the team from the list of teams
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.goto(`${url}/studio/new-dataset`);
  await signIn(adminKey, 'Datasets / New dataset');
  await page.getByLabel('Id', { exact: true }).fill('admin-made');
  await page.getByLabel('Name', { exact: true }).fill('Made by an admin');
  await page.getByRole('button', { name: 'Create dataset' }).click();
  await page.getByRole('alert').filter({ hasText: 'Choose the team that owns the dataset.' }).waitFor();
  const teamPick = page.getByLabel('Team', { exact: true });
  await page.locator('#ds-team option[value="research"]').waitFor({ state: 'attached' });
  const teams = await teamPick.locator('option').evaluateAll((os) => os.map((o) => `${o.value}=${o.textContent}`));
  if (JSON.stringify(teams) !== JSON.stringify(['=(choose)', 'research=Research lab (research)', 'ward=ward'])) throw new Error(`the teams offered: ${JSON.stringify(teams)}`);
  await axe('new-dataset (admin, teams listed)');
  await teamPick.selectOption('research');
  await page.getByRole('button', { name: 'Create dataset' }).click();
  await page.getByRole('heading', { name: /Datasets \/ admin-made/ }).waitFor();
  await page.getByText(/team research/).first().waitFor();

  if (offsite.length) throw new Error(`requests left the origin: ${offsite.join(', ')}`);
  console.log('RESULT ' + JSON.stringify({ axe: checked }));
} catch (e) {
  console.error(`at ${page.url()}:\n${(await page.locator('body').innerText().catch(() => '')).slice(0, 4000)}\nconsole errors: ${consoleErrors.join(' | ')}`);
  throw e;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
