// Time from clicking "Submit" to the next item's text shown, in MMS Studio in
// Debian's Chromium. Run by TestStudioSubmitToNextInBrowser:
//
//   node studio/e2e/submit-bench.mjs <server url> <annotator key> <task> <submits>
//
// Each round makes a span (keyboard), clicks Submit and waits for the document
// text to change. Prints "RESULT {...}" with p50/p95/max in milliseconds.
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, key, task, n = '30'] = process.argv.slice(2);
if (!url || !key || !task) {
  console.error('usage: node submit-bench.mjs <server url> <annotator key> <task> [submits]');
  process.exit(2);
}
const profile = mkdtempSync(join(tmpdir(), 'mms-studio-chromium-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
  viewport: { width: 1280, height: 860 },
});
try {
  const page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(20000);
  await page.goto(`${url}/studio/`);
  await page.getByRole('textbox', { name: 'API key' }).fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Annotation tasks' }).waitFor();
  await page.goto(`${url}/studio/tasks/${encodeURIComponent(task)}`);
  const doc = page.getByLabel('Document text');
  await doc.waitFor();
  const times = [];
  for (let i = 0; i < Number(n); i++) {
    await doc.focus();
    await page.keyboard.press('Home');
    for (let k = 0; k < 4; k++) await page.keyboard.press('Shift+ArrowRight');
    await page.keyboard.press('1');
    const before = await page.locator('.doc').textContent();
    // t0 in the page at the click; t1 when the next document's id is shown (a MutationObserver)
    await page.evaluate((prev) => {
      window.__done = new Promise((resolve) => {
        const t0 = performance.now();
        window.__t0 = t0;
        const mo = new MutationObserver(() => {
          const d = document.querySelector('.doc');
          if ((d && d.textContent !== prev) || document.querySelector('h2')?.textContent === 'All done') {
            mo.disconnect();
            requestAnimationFrame(() => resolve(performance.now() - t0)); // the frame that shows it
          }
        });
        mo.observe(document.body, { subtree: true, childList: true, characterData: true });
      });
    }, before);
    await page.getByRole('button', { name: 'Submit' }).click();
    times.push(await page.evaluate(() => window.__done));
  }
  const s = [...times].sort((a, b) => a - b);
  const q = (p) => +s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)].toFixed(1);
  console.log('RESULT ' + JSON.stringify({ submits: s.length, p50: q(0.5), p95: q(0.95), max: q(1) }));
} finally {
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
