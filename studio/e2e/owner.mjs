// An owner's walk through MMS Studio in Debian's Chromium: the tasks list, a
// task's review page (progress, labels, agreement) and an export download; a
// dataset's documents and a share; a dataset's upload followed live, versions
// and quality report; a model's report, lineage and aliases; API keys.
// With an admin key, the audit log and its verification. Checked with axe-core.
// Run by TestStudioAnnotateInBrowser after the annotator's walk:
//   node studio/e2e/owner.mjs <url> <owner key> [screenshot dir] [admin key] [partner key]
// With a partner key (its team got the share above): the partner lands on the
// datasets shared with it, sees only the shared rows and fields, and no page
// its role cannot use.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, rmSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, key, shots = '', adminKey = '', partnerKey = ''] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const profile = mkdtempSync(join(tmpdir(), 'mms-studio-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  acceptDownloads: true,
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
try {
  page.setDefaultTimeout(15000);
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) offsite.push(r.url()); });
  const axe = async (name) => {
    await page.evaluate(axeSource);
    const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
      .map((x) => ({ id: x.id, impact: x.impact, nodes: x.nodes.slice(0, 3).map((n) => n.target.join(' ')) })));
    const bad = v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
    if (bad.length) throw new Error(`axe on ${name}: ${JSON.stringify(bad)}`);
  };
  await page.goto(`${url}/studio/`);
  await page.getByRole('textbox', { name: 'API key' }).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: /Progress and agreement of ner/ }).click();
  await page.getByRole('heading', { name: /ner · review/ }).waitFor();
  await page.getByText('1 / 1').waitFor();
  await page.getByRole('cell', { name: 'Hospital' }).first().waitFor();
  // annotators by their key's name (an owner may list the team's keys), not by id
  await page.getByRole('cell', { name: 'Ward annotator' }).first().waitFor();
  // the review queue lists p1 (submitted, no gold yet); opened side by side, the
  // annotator's version becomes the gold one, and p1 leaves "To review"
  const queue = page.getByRole('region', { name: 'Review queue' });
  await queue.getByRole('cell', { name: 'Ward annotator' }).waitFor();
  await page.getByRole('button', { name: 'Open p1' }).click();
  await page.getByRole('region', { name: /annotation of p1/ }).first().waitFor();
  await page.getByRole('button', { name: /^Use as gold/ }).first().click();
  await page.getByRole('status').filter({ hasText: 'is now the gold version of p1' }).or(page.getByRole('alert')).first().waitFor();
  if (await page.getByRole('alert').count()) throw new Error(`gold: ${await page.getByRole('alert').first().textContent()}`);
  await page.getByRole('heading', { name: /^Gold/ }).waitFor();
  await page.getByText('Nothing waits for review').waitFor();
  await page.getByLabel('Show').selectOption('REVIEWED');
  await page.getByRole('button', { name: 'Open p1' }).waitFor();
  await page.locator('.stat').filter({ hasText: /^1\s*items reviewed \(gold\)$/ }).waitFor(); // the counts follow the gold save
  await axe('review');
  if (shots) { mkdirSync(shots, { recursive: true }); await page.screenshot({ path: join(shots, 'review.png'), fullPage: true }); }
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'doccano JSONL', exact: true }).click()]);
  const body = readFileSync(await dl.path(), 'utf8');
  if (!body.includes('华西医院')) throw new Error(`the doccano export lacks the span text: ${body.slice(0, 300)}`);
  // datasets: the list, a dataset's schema and its documents, filtered
  await page.getByRole('link', { name: 'Datasets' }).click();
  await page.getByRole('heading', { name: 'Datasets' }).waitFor();
  await axe('datasets');
  if (shots) await page.screenshot({ path: join(shots, 'datasets.png') });
  await page.getByRole('link', { name: 'posts' }).click();
  await page.getByRole('heading', { name: 'Schema' }).waitFor();
  await page.getByText(/^2 documents/).waitFor();
  await page.getByLabel('Field', { exact: true }).selectOption('id');
  await page.getByLabel('Value', { exact: true }).fill('"p1"');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await page.getByText(/^1 document matches/).waitFor();
  await page.getByRole('region', { name: 'Documents' }).getByRole('cell', { name: /华西医院/ }).waitFor();
  await axe('dataset');
  if (shots) await page.screenshot({ path: join(shots, 'dataset.png') });
  // share the dataset with a partner team: one field, rows where id is p1, an expiry
  await page.getByLabel('Team', { exact: true }).fill('partner');
  await page.getByLabel('Role', { exact: true }).selectOption('VIEWER');
  await page.getByLabel('Expires on').fill('2099-12-31');
  await page.getByRole('group', { name: /Fields/ }).getByLabel('text').check();
  await page.getByLabel('Rows where').selectOption('id');
  await page.getByLabel('Row value').fill('"p1"');
  await page.getByRole('button', { name: 'Share', exact: true }).click();
  await page.getByRole('status').filter({ hasText: 'Shared with partner as VIEWER' }).waitFor();
  await page.getByRole('cell', { name: 'partner', exact: true }).waitFor();
  await axe('dataset-shared');
  if (shots) await page.locator('#share-h').scrollIntoViewIfNeeded();
  if (shots) await page.screenshot({ path: join(shots, 'sharing.png') });
  // a dataset's history: a CSV uploaded and followed live (jobUpdated over the
  // WebSocket), its versions, and the quality report: nulls, charts, a reject
  // with its line and reason
  const frames = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
  await page.getByRole('link', { name: 'patients' }).click();
  await page.getByRole('heading', { name: 'Schema' }).waitFor();
  await page.getByRole('heading', { name: /^Versions/ }).waitFor();
  // the ingestion started elsewhere that failed its checks (it made no version): listed first, with its status
  const ingRows = page.getByRole('region', { name: 'Ingestions' }).getByRole('row');
  await ingRows.filter({ hasText: 'late' }).filter({ hasText: 'FAILED' }).waitFor();
  if (!/late.*FAILED \(1 failed check\)/.test(await ingRows.nth(1).textContent())) throw new Error(`the newest ingestion: ${await ingRows.nth(1).textContent()}`);
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'patients.csv', mimeType: 'text/csv', buffer: Buffer.from(
    'id,age,dept,score\na1,34,a,0.5\na2,51,b,\na3,212,a,0.9\na4,28,c,0.7\na5,45,a,\na6,63,b,0.2\n') });
  await page.getByRole('button', { name: 'Ingest', exact: true }).click();
  await page.getByRole('status').filter({ hasText: /^Succeeded · 100%/ }).waitFor({ timeout: 60000 });
  await page.getByText('Live updates (jobUpdated over WebSocket).').waitFor();
  if (!frames.some((f) => f.includes('"type":"next"') && f.includes('jobUpdated'))) throw new Error(`no jobUpdated over the WebSocket: ${frames.slice(0, 5).join(' | ')}`);
  const quality = page.getByRole('region', { name: /^Quality report of/ });
  await quality.getByText(/5 inserted, 0 updated, 0 unchanged, 1 rejected/).waitFor();
  const scoreRow = quality.getByRole('row', { name: /^score\b/ });
  if (!/2 \(40%\)/.test(await scoreRow.textContent())) throw new Error(`score's nulls: ${await scoreRow.textContent()}`);
  await quality.getByRole('img', { name: /^Histogram of age: 10 bins from 28 to 63, the fullest/ }).waitFor();
  const dept = await quality.getByRole('img', { name: /^Most common values of dept: / }).getAttribute('aria-label');
  for (const v of ['a (2)', 'b (2)', 'c (1)']) if (!dept.includes(v)) throw new Error(`dept's chart: ${dept}`);
  const reject = quality.getByRole('row', { name: /age: .*212.*above max 120/ });
  await reject.waitFor();
  if ((await reject.getByRole('cell').first().textContent()) !== '4') throw new Error(`the reject's line: ${await reject.textContent()}`);
  await axe('dataset-quality');
  if (shots) { await quality.scrollIntoViewIfNeeded(); await quality.screenshot({ path: join(shots, 'dataset-quality.png') }); }
  // versions: v2 (this upload, 8 documents) and v1 (the first load), each with its ingestion and snapshot
  const versions = page.getByRole('region', { name: /^Versions/ });
  await versions.getByRole('heading', { name: 'Versions (2)' }).waitFor();
  await versions.getByRole('cell', { name: 'v2', exact: true }).waitFor();
  await versions.getByRole('cell', { name: 'v1', exact: true }).waitFor();
  const v2 = await versions.getByRole('row').nth(1).getByRole('cell').allTextContents();
  if (v2[0] !== 'v2' || v2[2] !== '8' || v2[3] === '—' || !['pending', 'building', 'ready'].includes(v2[4])) throw new Error(`version 2: ${JSON.stringify(v2)}`);
  // the first load's report, from its version's ingestion
  await versions.getByRole('row').nth(2).getByRole('button').click();
  await page.getByRole('region', { name: /^Quality report of/ }).getByText(/3 inserted/).waitFor();
  await page.getByRole('region', { name: 'Ingestions' }).getByRole('row').nth(2).waitFor();
  await axe('dataset-versions');
  if (shots) {
    await page.locator('#versions-h').scrollIntoViewIfNeeded();
    await page.locator('section:has(#versions-h), section:has(#ingestions-h)').first().screenshot({ path: join(shots, 'dataset-versions.png') });
  }
  // a model's report: metrics, plots, coefficients, a prediction with contributions
  await page.getByRole('link', { name: 'Models' }).click();
  await page.getByRole('link', { name: 'risk' }).click();
  await page.getByRole('heading', { name: /risk · version 1/ }).waitFor();
  for (const alt of ['ROC curve', 'Precision-recall curve', 'Calibration']) {
    await page.getByRole('img', { name: new RegExp(`^${alt} of risk`) }).waitFor();
  }
  await page.getByRole('img', { name: /^Coefficients/ }).waitFor();
  await page.getByLabel('x', { exact: true }).fill('1.5');
  await page.getByLabel('dept', { exact: true }).fill('a');
  await page.getByRole('button', { name: 'Predict' }).click();
  await page.getByRole('status').filter({ hasText: /Probability 0\.\d{3}/ }).waitFor();
  // lineage: the dataset version and its snapshot's digest
  const lineage = page.getByRole('region', { name: 'Lineage' });
  await lineage.getByText('visits, version 1').waitFor();
  await lineage.getByText(/^sha256 [0-9a-f]{64}$/).waitFor();
  // aliases: set production and staging at v1, move nothing, remove staging
  const aliases = page.getByRole('region', { name: 'Aliases' });
  for (const a of ['production', 'staging']) {
    await aliases.getByLabel('Alias', { exact: true }).fill(a);
    await aliases.getByLabel('Points at').selectOption('1');
    await aliases.getByRole('button', { name: 'Set alias' }).click();
    await aliases.getByRole('status').filter({ hasText: `Set ${a} to v1.` }).waitFor();
    await aliases.getByRole('cell', { name: a, exact: true }).waitFor();
  }
  await aliases.getByRole('button', { name: 'Remove staging' }).click();
  await aliases.getByRole('status').filter({ hasText: 'Removed staging.' }).waitFor();
  await aliases.getByRole('cell', { name: 'staging', exact: true }).waitFor({ state: 'detached' });
  if (shots) await aliases.screenshot({ path: join(shots, 'model-aliases.png') });
  await aliases.getByLabel('Alias', { exact: true }).fill('Bad Alias');
  await aliases.getByRole('button', { name: 'Set alias' }).click();
  await aliases.getByRole('alert').filter({ hasText: /lower-case letters/ }).waitFor();
  await aliases.getByLabel('Alias', { exact: true }).fill('');
  await axe('model');
  if (shots) await page.screenshot({ path: join(shots, 'model.png'), fullPage: true });
  if (shots) { await lineage.scrollIntoViewIfNeeded(); await page.locator('section:has(#lineage-h)').screenshot({ path: join(shots, 'model-lineage.png') }); }
  // API keys: create one (its secret is shown once), then revoke it
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
  await page.getByLabel('Key name').fill('labeller-1');
  await page.getByLabel('Key role').selectOption('ANNOTATOR');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = await page.locator('code.secret').textContent();
  if (!/^mms_/.test(secret ?? '')) throw new Error(`the new key's secret is not shown: ${secret}`);
  await page.getByRole('cell', { name: 'labeller-1', exact: true }).waitFor();
  await axe('keys');
  if (shots) await page.screenshot({ path: join(shots, 'keys.png') });
  await page.getByRole('button', { name: 'Revoke labeller-1' }).click();
  await page.getByRole('cell', { name: 'revoked', exact: true }).waitFor();
  // an admin: the audit log, filtered, and the chain verified
  if (adminKey) {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'API key' }).fill(adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('heading', { name: 'Audit log' }).waitFor();
    await page.getByRole('button', { name: 'Verify the chain' }).click();
    await page.getByRole('status').filter({ hasText: /Intact: \d+ records checked/ }).waitFor();
    await page.getByLabel('Action').fill('annotate');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('cell', { name: /skip item p2/ }).waitFor();
    await axe('audit');
    if (shots) await page.screenshot({ path: join(shots, 'audit.png') });
  }
  if (partnerKey) {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('textbox', { name: 'API key' }).fill(partnerKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Datasets' }).waitFor(); // a partner's start page
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const hidden of ['Tasks', 'Models', 'API keys', 'Audit']) {
      if (await nav.getByRole('link', { name: hidden, exact: true }).count()) throw new Error(`a partner is offered ${hidden}`);
    }
    await page.getByRole('link', { name: 'posts' }).click();
    await page.getByText(/^1 document/).waitFor(); // the share's row filter
    await page.getByRole('region', { name: 'Documents' }).getByRole('cell', { name: /华西医院/ }).waitFor();
    for (const hidden of ['Add data', 'Sharing']) {
      if (await page.getByRole('heading', { name: hidden, exact: true }).count()) throw new Error(`a partner is shown ${hidden}`);
    }
    await axe('partner');
  }
  if (offsite.length) throw new Error(`requests left the origin: ${offsite.join(', ')}`);
  console.log('RESULT ' + JSON.stringify({ export: dl.suggestedFilename(), bytes: body.length }));
} catch (e) {
  // what the page showed, to tell a slow server from a broken page
  console.error(`at ${page.url()}:\n${(await page.locator('body').innerText().catch(() => '')).slice(0, 4000)}\nconsole errors: ${consoleErrors.join(' | ')}`);
  throw e;
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
