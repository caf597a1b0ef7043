// The Docker page against a Host with a real Docker engine: create a Host container from a local image, open a
// shell in the browser (xterm.js over the Host's WebSocket terminal), type a command and read its output, check
// that the terminal size reached the shell, snapshot a tarball, stop and delete the container.
//
//   HAKURIVER_TOKEN=<token> DOCKER_IMAGE=hakuriver-test/busybox:1 DOCKER_ENV=dash-it-x node tests-browser/docker-flow.mjs http://127.0.0.1:8000
//
// The image must exist locally and contain /bin/sh and /bin/busybox. The caller removes DOCKER_ENV's container
// and hakuriver/DOCKER_ENV images afterwards, also when a step failed.

import { args, assert, finish, launch, open, screenshot, step, until } from './lib.mjs';

const { baseUrl, token } = args();
const image = process.env.DOCKER_IMAGE || 'hakuriver-test/busybox:1';
const env = process.env.DOCKER_ENV;
if (!env) { console.error('DOCKER_ENV (name of the environment to create) is required'); process.exit(2); }

const { page, problems, close } = await launch();
await page.addInitScript((t) => { if (t) sessionStorage.setItem('hakuriver.token', t); }, token);
const row = page.locator(`tr[data-container="${env}"]`);
const state = () => row.locator('.badge').getAttribute('data-status');
const confirm = () => page.locator('dialog.confirm button[data-confirm=yes]').click();

await step('create a Host container from the form', page, async () => {
  await open(page, baseUrl, '/docker');
  await page.waitForSelector('[data-testid=create-container]:visible');
  await page.fill('input[name=image_name]', image);
  await page.fill('input[name=container_name]', env);
  await page.click('[data-testid=create-container] button[type=submit]');
  await row.waitFor({ timeout: 60000 });
  if ((await state()) !== 'running') {
    await until(async () => !(await row.locator('button[data-action=start]').isDisabled()), { what: 'start enabled' });
    await row.locator('button[data-action=start]').click();
  }
  await until(async () => (await state()) === 'running', { timeout: 30000, what: 'container running' });
  await screenshot(page, '20-docker-container');
});

await step('containers HakuRiver did not create are not listed', page, async () => {
  const foreign = process.env.FOREIGN_CONTAINER;
  if (!foreign) return;
  await until(async () => !(await page.locator('[data-testid=other-containers]').isHidden()), { what: 'note about other containers' });
  assert(await page.locator(`tr[data-container="${foreign}"]`).count() === 0, `${foreign} is not in the table`);
  assert(/not created by HakuRiver/.test(await page.locator('[data-testid=other-containers]').textContent()), 'the note says why');
});

await step('shell in the browser: type a command, read its output, size reaches the shell', page, async () => {
  await row.locator('button[data-action=shell]').click();
  const dlg = page.locator('dialog.terminal-dialog');
  await until(async () => (await dlg.locator('[data-testid=terminal-status]').textContent()) === 'connected', { what: 'terminal connected' });
  const screen = dlg.locator('.xterm-rows');
  await until(async () => (await screen.textContent()).includes('Terminal connected'), { what: 'greeting' });
  await dlg.locator('.terminal-screen').click();
  await page.keyboard.type('echo dash-$((40+2))\n');
  await until(async () => (await screen.textContent()).includes('dash-42'), { what: 'command output in the terminal' });
  const size = await dlg.getAttribute('data-size');
  assert(/^\d+x\d+$/.test(size), `terminal size ${size}`);
  const [rows, cols] = size.split('x');
  await page.keyboard.type('busybox stty size\n');
  await until(async () => (await screen.textContent()).includes(`${rows} ${cols}`), { what: `stty size "${rows} ${cols}" (resize message honoured)` });
  await screenshot(page, '21-docker-terminal');
  await dlg.locator('button:text-is("Close")').click();
  await dlg.waitFor({ state: 'detached' });
});

await step('create a tarball; it appears in the tarball list', page, async () => {
  await row.locator('button[data-action=create_tar]').click();
  await confirm();
  const tarRow = page.locator('#view section').nth(1).locator(`tbody tr:has(td:text-is("${env}"))`);
  await tarRow.waitFor({ timeout: 180000 });
  assert((await tarRow.locator('td').nth(2).textContent()).startsWith(env), 'tarball file named after the environment');
  await screenshot(page, '22-docker-tarball');
});

await step('stop and delete the container', page, async () => {
  await row.locator('button[data-action=stop]').click();
  await confirm();
  await until(async () => (await state()) === 'stopped', { timeout: 30000, what: 'stopped' });
  assert(await row.locator('button[data-action=shell]').isDisabled(), 'no shell into a stopped container');
  await row.locator('button[data-action=delete]').click();
  await confirm();
  await row.waitFor({ state: 'detached', timeout: 30000 });
});

await close();
finish(problems);
