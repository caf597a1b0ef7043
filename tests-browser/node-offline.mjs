// A Runner stops while its node is on screen: the dashboard must show the node going offline without a reload.
// Once the page shows the node online, the script prints "signal stop-runner" and waits: the caller (the Java
// test) stops the Runner when it reads that line.
//
//   HAKURIVER_TOKEN=<token> RUNNER_NAME=<node> node tests-browser/node-offline.mjs http://127.0.0.1:8000

import { args, assert, finish, launch, open, screenshot, step, until } from './lib.mjs';

const { baseUrl, token } = args();
const runner = process.env.RUNNER_NAME;
if (!runner) { console.error('RUNNER_NAME is required'); process.exit(2); }
const timeout = Number(process.env.OFFLINE_TIMEOUT_MS || 45000);

const { page, problems, close } = await launch();
await page.addInitScript((t) => { if (t) sessionStorage.setItem('hakuriver.token', t); }, token);

await step('the stopped runner turns offline on /nodes (no reload)', page, async () => {
  await open(page, baseUrl, '/nodes');
  const badge = page.locator(`tbody[data-node="${runner}"] .badge`);
  await until(async () => (await badge.getAttribute('data-status')) === 'online', { what: `${runner} online before the stop` });
  console.log('signal stop-runner');
  const t0 = Date.now();
  await until(async () => (await badge.getAttribute('data-status')) === 'offline', { timeout, interval: 500, what: `${runner} offline` });
  console.log(`metric offline_seen_after_ms=${Date.now() - t0} (after the stop signal; Host timeout = heartbeat interval x factor)`);
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
