// Reloading any dashboard URL (or opening a bookmark) must serve the dashboard, not the API route of the same
// name: /nodes and /tasks are also API paths at the root, so the Host has to answer a browser navigation
// (Accept: text/html) with index.html. Works with a token too: the page itself carries no secret.
//
//   HAKURIVER_TOKEN=<token> TASK_ID=<an existing task id> node tests-browser/deep-links.mjs http://127.0.0.1:8000

import { args, assert, finish, launch, step } from './lib.mjs';

const { baseUrl, token } = args();
const taskId = process.env.TASK_ID || '1';
const { page, problems, close } = await launch();
await page.addInitScript((t) => { if (t) sessionStorage.setItem('hakuriver.token', t); }, token);

const expected = { '/': 'Overview', '/nodes': 'Nodes', '/tasks': 'Tasks', '/tasks?status=completed&page=1': 'Tasks',
  [`/tasks/${taskId}`]: `Task ${taskId}`, '/docker': 'Docker environments' };
for (const [path, title] of Object.entries(expected)) {
  await step(`reload of ${path} shows the ${title} page`, page, async () => {
    const res = await page.goto(baseUrl + path);
    const type = res.headers()['content-type'] || '';
    assert(type.includes('text/html'), `${path} answered ${res.status()} ${type} instead of the dashboard (browser navigations send Accept: text/html)`);
    await page.waitForFunction((t) => document.getElementById('page-title')?.textContent === t, title);
  });
}
await step('the API keeps answering JSON at the same paths', page, async () => {
  const r = await page.request.get(baseUrl + '/tasks?limit=1', { headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
  assert(r.status() === 200 && (r.headers()['content-type'] || '').includes('application/json'), `GET /tasks for a client: ${r.status()} ${r.headers()['content-type']}`);
});

await close();
finish(problems);
