// A lapsed lease in MMS Studio, in Debian's Chromium: annotator A opens the
// task's one item and leaves it; the browser's clock and the server's (through
// the test's control URL) move 31 minutes on; the workspace says the
// reservation lapsed without any action; annotator B takes the item; A's
// Submit is refused and the workspace explains that the item has gone to
// another annotator, with Reload leading to "All done". Checked with axe-core.
// Run by TestStudioLeaseInBrowser:
//   node studio/e2e/lease.mjs <url> <key A> <key B> <control url> [screenshot dir]
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync, rmSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, keyA, keyB, control, shots = ''] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const profile = mkdtempSync(join(tmpdir(), 'mms-studio-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 860 },
  locale: 'en-US',
});
const origin = new URL(url).origin;
const offsite = [];
const page = browser.pages()[0] ?? (await browser.newPage());
try {
  page.setDefaultTimeout(15000);
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) offsite.push(r.url()); });
  await page.clock.install(); // the page's timers and Date, moved on below
  await page.goto(`${url}/studio/`);
  await page.getByRole('textbox', { name: 'API key' }).fill(keyA);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'lease', exact: true }).click();
  await page.getByLabel('Document text').waitFor();

  // 31 minutes later: the notice shows by itself.
  await page.clock.fastForward('31:00');
  const lapsed = page.getByRole('alert').filter({ hasText: 'Your reservation of this item lapsed' });
  await lapsed.waitFor();
  const res = await fetch(control, { method: 'POST', body: String(31 * 60) }); // the server's clock too
  if (!res.ok) throw new Error(`control: ${res.status}`);

  // B takes the item A left.
  const b = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${keyB}` },
    body: JSON.stringify({ query: '{ nextAnnotationItem(task: "lease") { document } }' }) }).then((r) => r.json());
  if (b.data?.nextAnnotationItem?.document !== 'p1') throw new Error(`annotator B's item: ${JSON.stringify(b)}`);

  // A submits: refused, and explained.
  await page.getByRole('button', { name: 'neutral' }).click();
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const gone = page.getByRole('alert').filter({ hasText: 'it has gone to another annotator' });
  await gone.waitFor();
  const text = await gone.textContent();
  if (!/held for 30 minutes after you open it or save a draft/.test(text)) throw new Error(`the lease notice: ${text}`);
  await page.evaluate(axeSource);
  const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .map((x) => ({ id: x.id, impact: x.impact })));
  const bad = v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
  if (bad.length) throw new Error(`axe on the lease notice: ${JSON.stringify(bad)}`);
  if (shots) { mkdirSync(shots, { recursive: true }); await page.screenshot({ path: join(shots, 'lease.png') }); }
  await gone.getByRole('button', { name: 'Reload' }).click();
  await page.getByRole('heading', { name: 'All done' }).waitFor();
  if (offsite.length) throw new Error(`requests left the origin: ${offsite.join(', ')}`);
  console.log('lease: ok');
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
