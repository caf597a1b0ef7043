// The README's first picture: the overview of a healthy cluster (every node online, moderate load), taken
// before the scale test fills the cluster with failed tasks. Writes SCREENSHOT_DIR/hero-overview.png (the
// window as a visitor sees it, not the full page); copy it to docs/img/dashboard-overview.png to refresh the README.
//
//   HAKURIVER_TOKEN=<token> EXPECT_NODES=20 node tests-browser/hero.mjs http://127.0.0.1:8000

import fs from 'node:fs';
import path from 'node:path';
import { args, assert, finish, launch, open, SCREENSHOT_DIR, step, until } from './lib.mjs';

const { baseUrl, token } = args();
const expectNodes = Number(process.env.EXPECT_NODES || 20);
const { page, problems, close } = await launch();
await page.addInitScript((t) => { if (t) sessionStorage.setItem('hakuriver.token', t); }, token);

await step('overview of a healthy cluster', page, async () => {
  await open(page, baseUrl, '/');
  await until(async () => (await page.locator('#view table.grid-table tbody tr').count()) >= expectNodes, { timeout: 30000, what: `${expectNodes} node rows` });
  await until(async () => /all nodes online/.test(await page.textContent('#view')), { what: 'all nodes online' });
  await page.waitForTimeout(6000); // let the utilisation chart draw a few samples
  assert(!/offline/.test(await page.locator('#view table.grid-table tbody').textContent()), 'no node offline');
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, 'hero-overview.png');
  await page.screenshot({ path: file });
  console.log(`screenshot ${file}`);
});

await close();
finish(problems);
