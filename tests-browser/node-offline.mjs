// After the Runner was stopped: the dashboard must show its node going offline without a reload.
//
//   HAKURIVER_TOKEN=<token> RUNNER_NAME=<node> node tests-browser/node-offline.mjs http://127.0.0.1:8000

import { args, assert, finish, launch, screenshot, step, until } from './lib.mjs';

const { baseUrl, token } = args();
const runner = process.env.RUNNER_NAME;
if (!runner) { console.error('RUNNER_NAME is required'); process.exit(2); }
const timeout = Number(process.env.OFFLINE_TIMEOUT_MS || 45000);

const { page, problems, close } = await launch();
await page.addInitScript((t) => { if (t) sessionStorage.setItem('hakuriver.token', t); }, token);

await step('the stopped runner turns offline on /nodes (no reload)', page, async () => {
  await page.goto(baseUrl + '/nodes');
  const badge = page.locator(`tbody[data-node="${runner}"] .badge`);
  await badge.waitFor();
  const t0 = Date.now();
  await until(async () => (await badge.getAttribute('data-status')) === 'offline', { timeout, interval: 500, what: `${runner} offline` });
  console.log(`metric offline_seen_after_ms=${Date.now() - t0} (from page load)`);
  assert(await page.locator(`tbody[data-node="${runner}"]`).evaluate((b) => b.classList.contains('offline')), 'row greyed out');
  await screenshot(page, '13-node-offline');
});

await step('the overview lists it as offline', page, async () => {
  await page.click('nav a[data-nav=overview]');
  await until(async () => (await page.locator('.card .warn').textContent()).includes(runner), { what: 'offline list on the overview' });
  await screenshot(page, '14-overview-offline');
});

await close();
finish(problems);
