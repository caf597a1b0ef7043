// The dashboard against a real Host + Runner: sign in, every page, submit from the form and watch the task
// complete with its stdout, follow a running task's output live, pause/resume/kill a running task, Host
// validation messages next to their field.
//
//   HAKURIVER_TOKEN=<token> RUNNER_NAME=<node> node tests-browser/main-flow.mjs http://127.0.0.1:8000
//
// The Runner must run tasks without a container (environment "NULL"): the task commands are plain programs.

import { args, assert, finish, launch, open, screenshot, step, until } from './lib.mjs';

const { baseUrl, token } = args();
const runner = process.env.RUNNER_NAME;
if (!runner) { console.error('RUNNER_NAME (the node name of the running Runner) is required'); process.exit(2); }
const marker = `dash-${Date.now().toString(36)}`;

const { page, problems, close } = await launch();
// In-app navigation, as a click on a link does (reloads of deep links: deep-links.mjs).
const nav = (path) => page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
const status = (sel = '.task-head .badge') => page.locator(sel).getAttribute('data-status');

async function openSubmitForm() {
  await page.click('[data-testid=new-task]');
  await page.waitForSelector('dialog.submit-dialog[open]');
  // Target choices are loaded from /nodes when the dialog opens.
  await page.waitForSelector(`dialog.submit-dialog .targets input[value="${runner}"]`);
}

/**
 * Fills the form for a no-container task on the Runner and submits; opens the first created task and returns
 * all created ids. extraTargets go into the free-text targets field (in addition to the Runner's checkbox).
 */
async function submitTask(command, argv, { memory = '', numaToo = false } = {}) {
  await nav('/tasks');
  await openSubmitForm();
  const dlg = page.locator('dialog.submit-dialog');
  await dlg.locator('input[name=command]').fill(command);
  await dlg.locator('textarea[name=arguments]').fill(argv.join('\n'));
  await dlg.locator('textarea[name=env_vars]').fill(`DASH_MARKER=${marker}`);
  await dlg.locator(`.targets input[value="${runner}"]`).check();
  if (numaToo) {
    // A second target in the same batch: the node's first NUMA zone when it reported one, else the node again.
    const zone = dlg.locator(`.targets input[value^="${runner}:"]`).first();
    if (await zone.count()) await zone.check(); else await dlg.locator('input[name=extra_targets]').fill(runner);
  }
  await dlg.locator('input[name=required_cores]').fill('1');
  await dlg.locator('input[name=required_memory_bytes]').fill(memory);
  await dlg.locator('select[name=container_name]').selectOption('NULL');
  await dlg.locator('button[type=submit]').click();
  const links = dlg.locator('[data-testid=submit-result] a[data-task-link]');
  await links.first().waitFor();
  const resultText = await dlg.locator('[data-testid=submit-result]').textContent();
  assert(!/null/.test(resultText) && /^Submitted \d+ tasks?\./.test(resultText), `submit result: ${resultText}`);
  const ids = await links.evaluateAll((as) => as.map((a) => a.dataset.taskLink));
  await links.first().click(); // opens the task's page
  await page.waitForURL(`**/tasks/${ids[0]}`);
  return ids;
}

await step('sign in with the cluster token', page, async () => {
  await open(page, baseUrl, '/');
  if (!token) {
    assert(await page.locator('#login').isHidden(), 'login field shown although the cluster has no token');
    return;
  }
  await page.waitForSelector('#login:not([hidden])');
  await page.waitForSelector('#banner:not([hidden])');
  await screenshot(page, '00-login');
  await page.fill('#login-token', 'wrong-token');
  await page.click('#login button[type=submit]');
  await until(async () => /refused/i.test(await page.locator('#banner').textContent()), { what: 'refusal of a wrong token' });
  await page.fill('#login-token', token);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('#logged-in:not([hidden])');
  assert(await page.locator('#banner').isHidden(), 'banner still shown after signing in');
  assert(await page.evaluate(() => sessionStorage.getItem('hakuriver.token')) === token, 'token not kept in sessionStorage');
});

await step('overview shows the node, cores, memory, counts and the chart', page, async () => {
  await nav('/');
  await until(async () => /^1 \/ 1 online$/.test(await page.locator('[data-testid=nodes-online]').textContent()), { what: 'node online on the overview' });
  await page.waitForSelector(`#view table a:text-is("${runner}")`);
  await until(async () => (await page.locator('svg.chart path.line').first().getAttribute('d') || '').length > 10, { what: 'CPU chart line' });
  await until(async () => /^\d+$/.test(await page.locator('[data-count=completed]').textContent()), { what: 'task counts' });
  await screenshot(page, '01-overview');
});

await step('nodes page shows status, heartbeat, cores, NUMA and details', page, async () => {
  await page.click('nav a[data-nav=nodes]');
  await page.waitForURL('**/nodes');
  const body = page.locator(`tbody[data-node="${runner}"]`);
  await until(async () => (await body.locator('.badge').getAttribute('data-status')) === 'online', { what: 'runner online on /nodes' });
  const heartbeat = await body.locator('tr').first().locator('td').nth(2).textContent();
  assert(/ago|just now/.test(heartbeat), `last heartbeat column: ${heartbeat}`);
  await body.locator('tr').first().click();
  await body.locator('tr.details').waitFor({ state: 'visible' });
  const details = await body.locator('tr.details').textContent();
  assert(details.includes('NUMA zones') && details.includes('Runner URL'), `details: ${details}`);
  await screenshot(page, '02-nodes');
});

let completedId;
await step('submit from the form (two targets, memory), watch it complete, see its stdout', page, async () => {
  const ids = await submitTask('echo', [`hello from ${marker}`, 'second arg'], { memory: '64M', numaToo: true });
  assert(ids.length === 2, `two targets give two tasks, got ${ids}`);
  completedId = ids[0];
  await until(async () => (await status()) === 'completed', { timeout: 30000, what: `task ${completedId} completed` });
  await until(async () => (await page.locator('pre[data-log=stdout]').textContent()).includes(`hello from ${marker} second arg`), { what: 'stdout text' });
  assert((await page.locator('[data-field=exit_code]').textContent()) === '0', 'exit code 0 shown');
  assert((await page.locator('[data-field=target]').textContent()).includes(runner), 'target node shown');
  assert((await page.locator('[data-field=memory]').textContent()) === '64.0 MiB', 'memory 64M = 64.0 MiB');
  const buttons = await page.locator('.task-head button').evaluateAll((bs) => bs.map((b) => `${b.dataset.action}:${b.disabled}`));
  assert(buttons.join() === 'pause:true,resume:true,kill:true', `buttons of a completed task: ${buttons}`);
  await screenshot(page, '03-task-completed');
  // The batch link lists both tasks of the submission.
  await page.locator('[data-field=batch] a').click();
  await until(async () => {
    const rows = await page.locator('table.tasks tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.task));
    return rows.length === 2 && ids.every((id) => rows.includes(id));
  }, { what: 'batch view with both tasks' });
});

await step('stdout of a running task is followed live', page, async () => {
  const [id] = await submitTask('/bin/sh', ['-c', `echo err-${marker} >&2; for i in 1 2 3 4 5 6; do echo tick-$i-${marker}; sleep 1; done`]);
  const log = page.locator('pre[data-log=stdout]');
  await until(async () => (await log.textContent()).includes(`tick-2-${marker}`), { timeout: 20000, what: 'first lines while running' });
  assert(['running', 'pending', 'assigning'].includes(await status()), `task ${id} should still run, is ${await status()}`);
  assert(!(await log.textContent()).includes(`tick-6-${marker}`), 'whole output already there: not following');
  await screenshot(page, '04-task-following');
  await until(async () => (await status()) === 'completed', { timeout: 30000, what: 'ticker completed' });
  await until(async () => (await log.textContent()).includes(`tick-6-${marker}`), { what: 'last line after completion' });
  assert((await page.locator('pre[data-log=stderr]').textContent()).trim() === `err-${marker}`, 'stderr pane');
  const lines = (await log.textContent()).trim().split('\n');
  assert(lines.length === 6, `each line exactly once, got ${lines.length}: ${lines.join('|')}`);
});

await step('pause, resume and kill a running task (buttons follow the state)', page, async () => {
  const [id] = await submitTask('sleep', ['300']);
  await until(async () => (await status()) === 'running', { timeout: 30000, what: `task ${id} running` });
  const btn = (a) => page.locator(`.task-head button[data-action=${a}]`);
  assert(!(await btn('pause').isDisabled()) && (await btn('resume').isDisabled()) && !(await btn('kill').isDisabled()), 'running: pause+kill enabled, resume disabled');
  await btn('pause').click();
  await until(async () => (await status()) === 'paused', { what: 'paused' });
  assert((await btn('pause').isDisabled()) && !(await btn('resume').isDisabled()), 'paused: resume enabled, pause disabled');
  await btn('resume').click();
  await until(async () => (await status()) === 'running', { what: 'running again' });
  await btn('kill').click();
  await page.locator('dialog.confirm button[data-confirm=yes]').click();
  await until(async () => (await status()) === 'killed', { what: 'killed' });
  assert(await btn('kill').isDisabled(), 'kill disabled once killed');
  await screenshot(page, '05-task-killed');
});

await step('Host validation errors appear next to their field', page, async () => {
  await nav('/tasks');
  await openSubmitForm();
  const dlg = page.locator('dialog.submit-dialog');
  try {
    await dlg.locator('input[name=command]').fill('true');
    await dlg.locator('input[name=extra_targets]').fill('bad_target!');
    await dlg.locator('button[type=submit]').click();
    const targetErr = dlg.locator('[data-error-for=targets]');
    await until(async () => (await targetErr.textContent()).length > 0, { what: 'error next to targets' });
    assert(/Invalid target format: 'bad_target!'/.test(await targetErr.textContent()), `targets error: ${await targetErr.textContent()}`);
    await dlg.locator('input[name=extra_targets]').fill('');
    await dlg.locator('input[name=required_cores]').fill('-1');
    await dlg.locator('button[type=submit]').click();
    const coreErr = dlg.locator('[data-error-for=required_cores]');
    await until(async () => (await coreErr.textContent()).length > 0, { what: 'error next to cores' });
    assert(await dlg.locator('[data-error-for=targets]').isHidden(), 'old targets error cleared');
    await dlg.locator('input[name=required_cores]').fill('1');
    await dlg.locator('input[name=required_memory_bytes]').fill('lots');
    await dlg.locator('button[type=submit]').click();
    assert(/512M/.test(await dlg.locator('[data-error-for=required_memory_bytes]').textContent()), 'memory format error');
    assert((await dlg.locator('[data-testid=submit-result]').isHidden()), 'nothing was submitted');
    await screenshot(page, '06-submit-validation');
  } finally {
    if (await dlg.isVisible()) await dlg.locator('button:text-is("Close")').click();
  }
});

await step('a scheduling refusal is shown under Targets, one readable line per target', page, async () => {
  await nav('/tasks');
  await openSubmitForm();
  const dlg = page.locator('dialog.submit-dialog');
  try {
    await dlg.locator('input[name=command]').fill('true');
    await dlg.locator('input[name=extra_targets]').fill('nosuch-node');
    await dlg.locator('select[name=container_name]').selectOption('NULL');
    await dlg.locator('button[type=submit]').click();
    const targetErr = dlg.locator('[data-error-for=targets]');
    await until(async () => (await targetErr.textContent()).length > 0, { what: 'error under targets' });
    const text = await targetErr.textContent();
    assert(text === 'nosuch-node: Node not registered', `targets error: ${text}`);
    assert(await dlg.locator('p.error[role=alert]').isHidden(), 'no second copy at the bottom of the form');
    assert(!(await dlg.textContent()).includes("{'"), 'no Python repr in the dialog');
    await screenshot(page, '06b-submit-scheduling-error');
  } finally {
    if (await dlg.isVisible()) await dlg.locator('button:text-is("Close")').click();
  }
});

await step('an unknown task id offers no Pause/Resume/Kill', page, async () => {
  await nav('/tasks/1');
  await page.waitForSelector('#view p.error:not([hidden])');
  assert(/No task 1/.test(await page.locator('#view p.error').textContent()), 'says the task does not exist');
  const states = await page.locator('.task-head .actions button').evaluateAll((bs) => bs.map((b) => b.disabled));
  assert(states.length === 3 && states.every(Boolean), `buttons disabled: ${states}`);
});

await step('the tasks table fits 1400 px and 1024 px windows without scrolling sideways', page, async () => {
  await submitTask('echo', ['a-long-argument-'.repeat(20), 'and-another-one-'.repeat(10)]);
  await nav('/tasks');
  await page.waitForSelector('table.tasks tbody tr');
  try {
    for (const width of [1400, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await until(async () => page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth),
        { what: `no horizontal scrolling at ${width} px` });
      const kill = await page.locator('table.tasks tbody tr').first().locator('button[data-action=kill]').boundingBox();
      assert(kill && kill.x + kill.width <= width, `Kill button visible at ${width} px (right edge ${kill && kill.x + kill.width})`);
      const cmd = await page.locator('table.tasks tbody tr td.cmd').first().boundingBox();
      assert(cmd && cmd.width >= 100, `command column keeps room at ${width} px (${cmd && cmd.width})`);
      await screenshot(page, `07b-tasks-${width}px`);
    }
  } finally {
    await page.setViewportSize({ width: 1400, height: 900 });
  }
});

await step('task list: newest first, state filter, search', page, async () => {
  await nav('/tasks');
  const rows = page.locator('table.tasks tbody tr');
  await until(async () => (await rows.count()) >= 3, { what: 'task rows' });
  const first = await rows.first().getAttribute('data-task');
  assert(BigInt(first) > BigInt(completedId), 'newest task first');
  await page.click('button.chip[data-status=killed]');
  await until(async () => {
    const states = await page.locator('table.tasks tbody .badge').evaluateAll((bs) => bs.map((b) => b.dataset.status));
    return states.length > 0 && states.every((s) => s === 'killed');
  }, { what: 'only killed tasks' });
  assert(page.url().includes('status=killed'), 'filter kept in the URL');
  await page.click('button.chip:text-is("all")');
  await page.selectOption('select[aria-label=Node]', runner);
  await until(async () => {
    const nodes = await page.locator('table.tasks tbody tr td:nth-child(4)').evaluateAll((tds) => tds.map((td) => td.textContent));
    return page.url().includes(`node=${runner}`) && nodes.length >= 3 && nodes.every((n) => n.startsWith(runner));
  }, { what: 'only tasks of the runner' });
  await page.fill('input[type=search]', completedId);
  await until(async () => (await rows.count()) === 1 && (await rows.first().getAttribute('data-task')) === completedId, { what: 'search by id' });
  await screenshot(page, '07-tasks');
});

await step('docker page loads (containers or a clear "not available")', page, async () => {
  await page.click('nav a[data-nav=docker]');
  await page.waitForURL('**/docker');
  await until(async () => (await page.locator('[data-testid=docker-unavailable]').isVisible())
    || (await page.locator('[data-testid=create-container]').isVisible() && (await page.locator('#view table').count()) === 2), { what: 'docker page state' });
  await screenshot(page, '08-docker');
});

await close();
finish(problems);
