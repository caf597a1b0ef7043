// Work that runs itself, on screen: the Drain / Undrain button of a node, and a task's history and waiting reason
// (a task that waits for another with --after). The Java test submits the two tasks and passes their ids.
//
//   HAKURIVER_TOKEN=<token> RUNNER_NAME=<node> PARENT_ID=<id> CHILD_ID=<id> node tests-browser/workflow-flow.mjs http://127.0.0.1:8000

import { args, assert, finish, launch, open, screenshot, step, until } from './lib.mjs';

const { baseUrl, token } = args();
const runner = process.env.RUNNER_NAME;
const parent = process.env.PARENT_ID;
const child = process.env.CHILD_ID;
if (!runner || !parent || !child) { console.error('RUNNER_NAME, PARENT_ID and CHILD_ID are required'); process.exit(2); }

const { page, problems, close } = await launch();
await page.addInitScript((t) => { if (t) sessionStorage.setItem('hakuriver.token', t); }, token);

await step('a waiting task shows why, and its history', page, async () => {
  await open(page, baseUrl, `/tasks/${child}`);
  const waiting = page.locator('[data-testid=task-waiting]');
  await until(async () => (await waiting.textContent()).includes(`Waiting for ${parent}`), { what: 'waiting reason' });
  const events = page.locator('[data-testid=task-events] li');
  await until(async () => (await events.first().textContent()).includes('submitted'), { what: 'submitted event' });
  assert((await page.locator('[data-field=depends_on]').textContent()).includes(parent), 'After shows the parent');
  await screenshot(page, '15-task-waiting');
});

await step('once the parent completed, the history shows it starting and ending', page, async () => {
  const events = page.locator('[data-testid=task-events]');
  await until(async () => /completed/.test(await events.textContent()), { timeout: 40000, what: 'completed event' });
  const text = await events.textContent();
  assert(text.indexOf('queued') < text.indexOf('assigned') && text.indexOf('assigned') < text.indexOf('completed'),
    `events in order: ${text}`);
  assert(await page.locator('[data-testid=task-waiting]').isHidden(), 'no waiting reason any more');
});

await step('Drain and Undrain a node from its details', page, async () => {
  await open(page, baseUrl, `/nodes?node=${encodeURIComponent(runner)}`);
  const body = page.locator(`tbody[data-node="${runner}"]`);
  const badge = body.locator('.badge');
  await body.locator('button[data-action=drain]').click();
  await page.locator('dialog.confirm button[data-confirm=yes]').click();
  await until(async () => /drained|draining/.test(await badge.textContent()), { what: 'drain shown on the badge' });
  await screenshot(page, '16-node-drained');
  await body.locator('button[data-action=undrain]').click();
  await until(async () => !/drain/.test(await badge.textContent()), { what: 'undrain shown' });
  assert((await badge.getAttribute('data-status')) === 'online', 'still online');
});

await close();
finish(problems);
