// Overview: nodes up/down, cluster cores and memory, task counts per state, CPU/memory history chart.

import { countTasks, getJson } from '../api.js';
import { lineChart } from '../chart.js';
import { h, meter, setText, syncList } from '../dom.js';
import { formatBytes, formatPercent, plural } from '../format.js';
import { Poller } from '../poll.js';
import { nodeCores, nodeMemory } from './node-math.js';

const TASK_GROUPS = [
  { key: 'running', label: 'Running', status: 'running' },
  { key: 'queued', label: 'Queued', status: 'assigning,pending' },
  { key: 'paused', label: 'Paused', status: 'paused' },
  { key: 'completed', label: 'Completed', status: 'completed' },
  { key: 'failed', label: 'Failed / killed / lost', status: 'failed,killed,killed_oom,lost' },
];
const HISTORY_MS = 10 * 60 * 1000;

export function mount(view) {
  const errors = h('p', { class: 'error', hidden: true });
  const showError = (e) => { setText(errors, e.message); errors.hidden = false; };

  // Cards
  const nodesValue = h('div', { class: 'big', 'data-testid': 'nodes-online' }, '–');
  const nodesSub = h('div', { class: 'muted' });
  const coresMeter = meter();
  const coresSub = h('div', { class: 'muted' });
  const cpuNow = h('div', { class: 'muted' });
  const memMeter = meter();
  const memSub = h('div', { class: 'muted' });
  const counts = Object.fromEntries(TASK_GROUPS.map((g) => [g.key, h('span', { class: 'count', 'data-count': g.key }, '–')]));
  const taskList = h('ul', { class: 'counts' }, TASK_GROUPS.map((g) =>
    h('li', {}, h('a', { href: `/tasks?status=${g.status}` }, g.label), counts[g.key])));

  const chart = lineChart([{ name: 'CPU', color: 'var(--c-cpu)' }, { name: 'Memory', color: 'var(--c-mem)' }],
    'Cluster CPU and memory utilisation');
  const chartNote = h('span', { class: 'muted' });

  const nodeRows = h('tbody');
  view.append(
    errors,
    h('section', { class: 'cards' },
      h('div', { class: 'card' }, h('h2', {}, 'Nodes'), nodesValue, nodesSub),
      h('div', { class: 'card' }, h('h2', {}, 'Cores (online nodes)'), coresMeter.el, coresSub, cpuNow),
      h('div', { class: 'card' }, h('h2', {}, 'Memory (online nodes)'), memMeter.el, memSub),
      h('div', { class: 'card' }, h('h2', {}, 'Tasks'), taskList)),
    h('section', { class: 'card wide' },
      h('h2', {}, 'Cluster utilisation ', chartNote),
      h('div', { class: 'legend' }, h('span', { class: 'key cpu' }, 'CPU'), h('span', { class: 'key mem' }, 'Memory')),
      chart.el),
    h('section', { class: 'card wide' }, h('h2', {}, 'Nodes'),
      h('table', { class: 'grid-table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Node'), h('th', {}, 'Status'), h('th', {}, 'Cores in use'),
          h('th', {}, 'Memory used'), h('th', {}, 'CPU'), h('th', { class: 'num' }, 'Tasks'))),
        nodeRows)),
  );

  const nodesPoll = new Poller(async () => {
    const nodes = await getJson('/nodes');
    errors.hidden = true;
    const online = nodes.filter((n) => n.status === 'online');
    setText(nodesValue, `${online.length} / ${nodes.length} online`);
    const offline = nodes.length - online.length;
    setText(nodesSub, offline ? `${offline} offline: ${nodes.filter((n) => n.status !== 'online').map((n) => n.hostname).join(', ')}` : 'all nodes online');
    nodesSub.classList.toggle('warn', offline > 0);

    let total = 0; let used = 0; let memTotal = 0; let memUsed = 0; let memReserved = 0;
    for (const n of online) {
      const c = nodeCores(n); total += c.total; used += c.used;
      const m = nodeMemory(n); memTotal += m.total; memUsed += m.used; memReserved += m.reserved;
    }
    coresMeter.set(total ? used / total : 0, `${used} / ${total}`);
    setText(coresSub, `${plural(total - used, 'core')} free`);
    memMeter.set(memTotal ? memUsed / memTotal : 0, `${formatBytes(memUsed)} / ${formatBytes(memTotal)}`);
    setText(memSub, `${formatBytes(memTotal - memUsed)} free · ${formatBytes(memReserved)} reserved by tasks`);

    syncList(nodeRows, nodes, (n) => n.hostname, createNodeRow, updateNodeRow);
  }, 3000, showError).start();

  const countPoll = new Poller(async () => {
    const values = await Promise.all(TASK_GROUPS.map((g) => countTasks(g.status)));
    TASK_GROUPS.forEach((g, i) => setText(counts[g.key], values[i]));
  }, 5000, showError).start();

  // /health keeps 60 one-second samples. The chart shows a longer window by keeping what it has seen: the
  // first answer fills the last minute, later polls append the newest sample.
  const history = [];
  const healthPoll = new Poller(async () => {
    const health = await getJson('/health');
    const agg = health.aggregate || [];
    const now = Date.now();
    const sample = (a) => [a.avgCpuPercent, a.avgMemPercent].map((v) => (v === null || v === undefined ? null : Number(v)));
    if (history.length === 0) agg.forEach((a, i) => history.push({ t: now - (agg.length - 1 - i) * 1000, values: sample(a) }));
    else if (agg.length) history.push({ t: now, values: sample(agg[agg.length - 1]) });
    while (history.length && history[0].t < now - HISTORY_MS) history.shift();
    const last = agg[agg.length - 1];
    setText(cpuNow, last ? `CPU now ${formatPercent(last.avgCpuPercent)}` : 'no samples yet');
    setText(chartNote, last ? `CPU ${formatPercent(last.avgCpuPercent)} · memory ${formatPercent(last.avgMemPercent)}` : '(no samples yet)');
    chart.update(history, HISTORY_MS);
  }, 2000, showError).start();

  return () => { nodesPoll.stop(); countPoll.stop(); healthPoll.stop(); };
}

function createNodeRow(n) {
  const cores = meter();
  const mem = meter();
  const tr = h('tr', {},
    h('td', {}, h('a', { href: `/nodes?node=${encodeURIComponent(n.hostname)}` }, n.hostname)),
    h('td', {}, h('span', { class: 'badge' })),
    h('td', {}, cores.el), h('td', {}, mem.el), h('td', { class: 'num' }), h('td', { class: 'num' }));
  tr._meters = { cores, mem };
  return tr;
}

function updateNodeRow(tr, n) {
  const [, statusTd, , , cpuTd, tasksTd] = tr.children;
  const badge = statusTd.firstChild;
  setText(badge, n.status);
  badge.dataset.status = n.status;
  const c = nodeCores(n);
  const m = nodeMemory(n);
  tr._meters.cores.set(c.total ? c.used / c.total : 0, n.status === 'online' ? `${c.used} / ${c.total}` : `– / ${c.total}`);
  // An offline node's last usage figures are stale: show its size only.
  if (n.status === 'online') tr._meters.mem.set(m.total ? m.used / m.total : 0, m.total ? `${formatBytes(m.used)} / ${formatBytes(m.total)}` : '–');
  else tr._meters.mem.set(0, m.total ? `– / ${formatBytes(m.total)}` : '–');
  setText(cpuTd, n.status === 'online' ? formatPercent(n.cpu_percent) : '–');
  setText(tasksTd, (n.running_tasks || []).length);
  tr.classList.toggle('offline', n.status !== 'online');
}
