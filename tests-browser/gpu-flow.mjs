// GPUs on the dashboard: submit a sharing GPU task from the form, see it hold its GPU on the node page (per-GPU
// bars, holder link, share count, GPU column), and a refusal naming node and ids under Targets.
//
//   HAKURIVER_TOKEN=<token> RUNNER_NAME=<node> node tests-browser/gpu-flow.mjs http://127.0.0.1:8000
//
// The Runner must report two GPUs (a fake nvidia-smi in DashboardBrowserIT) with shares_per_gpu = 2, and run
// tasks without a container.

import { args, assert, finish, launch, open, screenshot, step, until } from './lib.mjs';

const { baseUrl, token } = args();
const runner = process.env.RUNNER_NAME;
if (!runner) { console.error('RUNNER_NAME is required'); process.exit(2); }

const { page, problems, close } = await launch();
await page.addInitScript((t) => { if (t) sessionStorage.setItem('hakuriver.token', t); }, token);

async function openForm() {
  await page.click('[data-testid=new-task]');
  await page.waitForSelector(`dialog.submit-dialog .targets input[value="${runner}"]`);
  return page.locator('dialog.submit-dialog');
}

let taskId;
await step('the submit form asks for GPUs and shows free GPUs per node', page, async () => {
  await open(page, baseUrl, '/tasks');
  const dlg = await openForm();
  const label = await dlg.locator(`.targets label:has(input[value="${runner}"])`).textContent();
  assert(/2 of 2 GPUs free/.test(label), `target label shows free GPUs: ${label}`);
  await dlg.locator('input[name=command]').fill('sleep');
  await dlg.locator('textarea[name=arguments]').fill('120');
  await dlg.locator(`.targets input[value="${runner}"]`).check();
  await dlg.locator('input[name=required_cores]').fill('0');
  await dlg.locator('input[name=gpu_count]').fill('1');
  await dlg.locator('input[name=gpu_share]').check();
  await dlg.locator('select[name=container_name]').selectOption('NULL');
  await screenshot(page, '15-submit-gpu');
  await dlg.locator('button[type=submit]').click();
  const link = dlg.locator('[data-testid=submit-result] a[data-task-link]').first();
  await link.waitFor();
  taskId = await link.getAttribute('data-task-link');
  await page.keyboard.press('Escape');
});

await step('the node page shows per-GPU bars, the holder and the share count', page, async () => {
  await open(page, baseUrl, `/nodes?node=${encodeURIComponent(runner)}`);
  const body = page.locator(`tbody[data-node="${runner}"]`);
  await until(async () => (await body.locator('td[data-col=gpus] .label').textContent()) === '1 / 2', { what: 'GPU column 1 / 2' });
  const row0 = body.locator('table.gpus tr[data-gpu="0"]');
  await until(async () => (await row0.locator('td[data-col=holders]').textContent()).includes(taskId), { what: `GPU 0 held by ${taskId}` });
  const held = await row0.locator('td[data-col=holders]').textContent();
  assert(held.includes('(1/2 shares)'), `share count shown: ${held}`);
  assert(await row0.locator(`a[href="/tasks/${taskId}"]`).count() === 1, 'holder links to the task');
  assert(await row0.locator('.meter').count() === 2, 'memory and utilisation bars');
  const free = await body.locator('table.gpus tr[data-gpu="1"] td[data-col=holders]').textContent();
  assert(/free/.test(free), `GPU 1 free: ${free}`);
  await screenshot(page, '16-node-gpus');
});

await step('an unknown GPU id is refused under Targets, naming node and ids', page, async () => {
  await open(page, baseUrl, '/tasks');
  const dlg = await openForm();
  await dlg.locator('input[name=command]').fill('true');
  await dlg.locator('input[name=extra_targets]').fill(`${runner}::0,7`);
  await dlg.locator('select[name=container_name]').selectOption('NULL');
  await dlg.locator('button[type=submit]').click();
  const err = dlg.locator('[data-error-for=targets]');
  await until(async () => /has no GPU 7/.test(await err.textContent()), { what: 'GPU refusal under Targets' });
  assert((await err.textContent()).includes(`Node ${runner} has no GPU 7 (its GPUs: 0,1)`), await err.textContent());
  await page.keyboard.press('Escape');
});

await step('killing the task frees its GPU', page, async () => {
  const r = await page.evaluate(async ([id, t]) => (await fetch(`/api/kill/${id}`, { method: 'POST', headers: { Authorization: `Bearer ${t}` } })).status, [taskId, token]);
  assert(r === 202, `kill answered ${r}`);
  await open(page, baseUrl, `/nodes?node=${encodeURIComponent(runner)}`);
  const body = page.locator(`tbody[data-node="${runner}"]`);
  await until(async () => (await body.locator('td[data-col=gpus] .label').textContent()) === '0 / 2', { what: 'GPU column 0 / 2' });
});

await close();
finish(problems);
