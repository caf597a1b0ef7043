// The dashboard with many tasks and nodes: the task list must load one page at a time (limit/offset), stay
// quick, and polling must not block the page. Run after the cluster holds EXPECT_TASKS tasks and EXPECT_NODES
// registered nodes.
//
//   HAKURIVER_TOKEN=<token> EXPECT_TASKS=1000 EXPECT_NODES=20 node tests-browser/scale.mjs http://127.0.0.1:8000

import { args, assert, finish, launch, open, screenshot, step, until } from './lib.mjs';

const { baseUrl, token } = args();
const expectTasks = Number(process.env.EXPECT_TASKS || 1000);
const expectNodes = Number(process.env.EXPECT_NODES || 20);

const { page, problems, close } = await launch();
// Long tasks = main-thread work over 50 ms, the browser's own measure of jank.
await page.addInitScript((t) => {
  if (t) sessionStorage.setItem('hakuriver.token', t);
  window.__longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
    .observe({ type: 'longtask', buffered: true });
}, token);

const taskResponses = [];
page.on('response', async (res) => {
  const url = new URL(res.url());
  if (url.pathname !== '/api/tasks') return;
  try {
    const body = await res.json();
    taskResponses.push({ items: body.length, limit: url.searchParams.get('limit'), bytes: (await res.body()).length });
  } catch { /* navigation away while reading */ }
});
const total = async () => Number((/of (\d+)/.exec(await page.locator('[data-testid=page-info]').textContent()) || [])[1]);

await step(`task list shows the first page of ${expectTasks}+ tasks quickly`, page, async () => {
  await open(page, baseUrl, '/');
  await page.waitForSelector('[data-testid=nodes-online]');
  // From the click on "Tasks" to the first page of rows: one /tasks request with limit=50 and its rendering.
  const t0 = Date.now();
  await page.click('nav a[data-nav=tasks]');
  await until(async () => (await total()) >= expectTasks, { interval: 20, what: `"of ${expectTasks}"` });
  const ms = Date.now() - t0;
  console.log(`metric tasks_page_first_render_ms=${ms} total=${await total()}`);
  assert(ms < 2000, `first page took ${ms} ms`);
  assert((await page.locator('table.tasks tbody tr').count()) === 50, 'one page of 50 rows');
  await screenshot(page, '10-tasks-1000');
});

await step('paging goes through the list', page, async () => {
  await page.click('button:text-is("Older →")');
  await until(async () => (await page.locator('[data-testid=page-info]').textContent()).startsWith('51–100 of'), { what: 'second page' });
  assert(page.url().includes('page=2'), 'page kept in the URL');
  const t0 = Date.now();
  await page.fill('input[type=search]', 'no-such-task-anywhere');
  await until(async () => (await total()) === 0, { what: 'empty search result' });
  console.log(`metric search_roundtrip_ms=${Date.now() - t0} (includes 300 ms typing debounce)`);
  await page.fill('input[type=search]', '');
  await until(async () => (await total()) >= expectTasks, { what: 'all tasks again' });
});

await step('polling stays light and the page responsive', page, async () => {
  await page.evaluate(() => { window.__longTasks = []; });
  await page.waitForTimeout(10000); // a few poll cycles of the task list
  const longTasks = await page.evaluate(() => window.__longTasks);
  const worst = Math.max(0, ...longTasks);
  console.log(`metric tasks_page_longtasks_10s=${longTasks.length} worst_ms=${worst.toFixed(0)}`);
  assert(worst < 200, `main thread blocked for ${worst} ms`);
  const big = taskResponses.filter((r) => r.limit === null || Number(r.limit) > 50 || r.items > 50);
  assert(big.length === 0, `unpaged task requests: ${JSON.stringify(big.slice(0, 3))}`);
  const maxBytes = Math.max(...taskResponses.map((r) => r.bytes));
  console.log(`metric task_list_requests=${taskResponses.length} max_response_bytes=${maxBytes}`);
  // A click must be answered at once even while polls run.
  const t0 = Date.now();
  await page.click('button.chip[data-status=completed]');
  await until(async () => page.url().includes('status=completed'), { what: 'filter applied' });
  console.log(`metric click_to_filter_ms=${Date.now() - t0}`);
});

await step(`overview and nodes with ${expectNodes} nodes`, page, async () => {
  await open(page, baseUrl, '/');
  await until(async () => (await page.locator('#view table tbody tr').count()) === expectNodes, { what: `${expectNodes} node rows` });
  await until(async () => /^\d+$/.test(await page.locator('[data-count=completed]').textContent()), { what: 'counts' });
  await page.waitForTimeout(2500);
  await screenshot(page, '11-overview-20-nodes');
  await page.evaluate(() => { window.__longTasks = []; });
  await open(page, baseUrl, '/nodes');
  await until(async () => (await page.locator('table.nodes > tbody').count()) === expectNodes, { what: `${expectNodes} nodes on /nodes` });
  await page.waitForTimeout(6000);
  const worst = Math.max(0, ...(await page.evaluate(() => window.__longTasks)));
  console.log(`metric nodes_page_worst_longtask_ms=${worst.toFixed(0)}`);
  assert(worst < 200, `main thread blocked for ${worst} ms on /nodes`);
  await screenshot(page, '12-nodes-20');
});

await close();
finish(problems);
