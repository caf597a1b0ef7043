// Nodes: one row per registered node (online or not) with heartbeat age, cores, memory, NUMA zones and the
// tasks running on it, and its GPUs (per GPU: memory and utilisation bars, the task(s) holding it). A click on a row opens its details; ?node=NAME opens one from a link.

import { getJson, postJson } from '../api.js';
import { confirmDialog, h, meter, setText, syncList, toast } from '../dom.js';
import { formatAgo, formatBytes, formatPercent, formatTime } from '../format.js';
import { Poller } from '../poll.js';
import { coreRanges, gpuUsage, nodeCores, nodeGpus, nodeMemory, numaZones } from './node-math.js';

const COLUMNS = ['Node', 'Status', 'Last heartbeat', 'Cores in use', 'CPU', 'Memory used', 'Reserved by tasks', 'NUMA', 'Tasks', 'GPUs in use'];

export function mount(view, { query }) {
  const open = new Set(query.get('node') ? [query.get('node')] : []);
  const errors = h('p', { class: 'error', hidden: true });
  const summary = h('p', { class: 'muted' });
  const table = h('table', { class: 'grid-table nodes' },
    h('thead', {}, h('tr', {}, COLUMNS.map((c) => h('th', {}, c)))));
  view.append(errors, summary, table);

  const toggle = (hostname, body) => {
    if (open.has(hostname)) open.delete(hostname); else open.add(hostname);
    body.classList.toggle('open', open.has(hostname));
  };

  // after a drain/undrain click: show the new state at once (poll is assigned before any click can happen)
  const refresh = () => poll.now();
  const poll = new Poller(async () => {
    const nodes = await getJson('/nodes');
    errors.hidden = true;
    const online = nodes.filter((n) => n.status === 'online').length;
    setText(summary, nodes.length ? `${nodes.length} node${nodes.length === 1 ? '' : 's'}, ${online} online.` : 'No runner has registered yet.');
    // Each node is its own <tbody>: the summary row plus a details row, so syncList keeps both together.
    syncList(table, nodes, (n) => n.hostname, (n) => createBody(n, toggle), (b, n) => updateBody(b, n, open, refresh));
  }, 3000, (e) => { setText(errors, e.message); errors.hidden = false; }).start();

  return () => poll.stop();
}

function createBody(n, toggle) {
  const cores = meter();
  const mem = meter();
  const gpus = meter();
  const main = h('tr', { class: 'clickable', tabindex: 0 },
    h('td', {}, h('strong', {}, n.hostname)), h('td', {}, h('span', { class: 'badge' })), h('td', {}),
    h('td', {}, cores.el), h('td', { class: 'num' }), h('td', {}, mem.el), h('td', { class: 'num' }),
    h('td', { class: 'num' }), h('td', { class: 'num' }), h('td', { 'data-col': 'gpus' }, gpus.el));
  const details = h('tr', { class: 'details' }, h('td', { colspan: COLUMNS.length }));
  const body = h('tbody', { 'data-node': n.hostname }, main, details);
  main.addEventListener('click', () => toggle(n.hostname, body));
  main.addEventListener('keydown', (e) => { if (e.key === 'Enter') toggle(n.hostname, body); });
  body._meters = { cores, mem, gpus };
  return body;
}

/** Drain (no new tasks, running ones finish) or undrain a node; the Host keeps the drain across restarts. */
async function setDrain(n, on, done) {
  if (on && !(await confirmDialog(`Drain ${n.hostname}? It takes no new tasks; its running tasks finish.`, 'Drain'))) return;
  try {
    await postJson(`/nodes/${encodeURIComponent(n.hostname)}/${on ? 'drain' : 'undrain'}`);
    toast(`${n.hostname} ${on ? 'drained' : 'undrained'}`, 'ok');
  } catch (e) {
    toast(`${on ? 'Drain' : 'Undrain'} ${n.hostname}: ${e.message}`, 'error', 8000);
  }
  done?.();
}

function updateBody(body, n, open, refresh) {
  const [main, details] = body.rows;
  const td = main.cells;
  const online = n.status === 'online';
  const badge = td[1].firstChild;
  setText(badge, n.status + (n.drain_state ? ` · ${n.drain_state}` : ''));
  badge.dataset.status = n.status;
  badge.dataset.drain = n.drain_state || '';
  setText(td[2], formatAgo(n.last_heartbeat));
  td[2].title = formatTime(n.last_heartbeat);
  const c = nodeCores(n);
  const m = nodeMemory(n);
  body._meters.cores.set(c.total ? c.used / c.total : 0, online ? `${c.used} / ${c.total}` : `– / ${c.total}`);
  setText(td[4], online ? formatPercent(n.cpu_percent) : '–');
  // An offline node's last usage figures are stale: show its size only.
  if (online) body._meters.mem.set(m.total ? m.used / m.total : 0, m.total ? `${formatBytes(m.used)} / ${formatBytes(m.total)}` : '–');
  else body._meters.mem.set(0, m.total ? `– / ${formatBytes(m.total)}` : '–');
  setText(td[6], formatBytes(m.reserved));
  const zones = numaZones(n);
  setText(td[7], zones.length || '–');
  const running = n.running_tasks || [];
  setText(td[8], running.length);
  const gu = gpuUsage(n);
  body._meters.gpus.set(gu ? gu.used / gu.total : 0, gu ? (online ? `${gu.used} / ${gu.total}` : `– / ${gu.total}`) : '–');
  const gpus = nodeGpus(n);
  body.classList.toggle('offline', !online);
  body.classList.toggle('open', open.has(n.hostname));

  // Details are rebuilt only when their content changed (they are small; this keeps the code simple).
  const sig = JSON.stringify([n.url, zones, running, n.last_heartbeat, c, m, gpus, n.gpu_error, n.gpu_shares_per_gpu, n.drain]);
  if (details._sig === sig) return;
  details._sig = sig;
  details.cells[0].replaceChildren(
    h('dl', { class: 'facts' },
      h('dt', {}, 'Runner URL'), h('dd', {}, n.url || '–'),
      h('dt', {}, 'Last heartbeat'), h('dd', {}, formatTime(n.last_heartbeat)),
      h('dt', {}, 'Cores'), h('dd', {}, `${c.total} total, ${online ? c.used + ' in use, ' + c.free + ' free' : 'node not online'}`),
      h('dt', {}, 'Memory'), h('dd', {}, `${formatBytes(m.total)} total, ${formatBytes(m.used)} used, ${formatBytes(m.reserved)} reserved by tasks`)),
    h('h3', {}, 'NUMA zones'),
    zones.length
      ? h('table', { class: 'grid-table inner' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Zone'), h('th', {}, 'Cores'), h('th', {}, 'Memory'), h('th', {}, 'Target'))),
        h('tbody', {}, zones.map((z) => h('tr', {}, h('td', {}, z.id), h('td', {}, `${coreRanges(z.cores)} (${z.cores.length})`),
          h('td', {}, formatBytes(z.memory_bytes)), h('td', {}, h('code', {}, `${n.hostname}:${z.id}`))))))
      : h('p', { class: 'muted' }, 'No NUMA topology reported.'),
    h('h3', {}, `GPUs (${gpus.length})`),
    gpuSection(n, gpus),
    h('h3', {}, `Running tasks (${running.length})`),
    running.length
      ? h('ul', { class: 'inline-list' }, running.map((id) => h('li', {}, h('a', { href: `/tasks/${id}` }, id))))
      : h('p', { class: 'muted' }, 'None.'),
    h('p', {}, h('a', { href: `/tasks?node=${encodeURIComponent(n.hostname)}` }, 'All tasks of this node →')),
    h('p', {}, h('button', {
      type: 'button', class: n.drain ? '' : 'danger', 'data-action': n.drain ? 'undrain' : 'drain',
      onclick: (e) => { e.stopPropagation(); setDrain(n, !n.drain, refresh); },
    }, n.drain ? 'Undrain (take tasks again)' : 'Drain (no new tasks)')),
  );
}

/** One row per GPU: memory and utilisation bars, temperature, and who holds it (with shares on sharing nodes). */
function gpuSection(n, gpus) {
  if (!gpus.length) return h('p', { class: 'muted', 'data-testid': 'gpu-none' }, n.gpu_error ? `No GPUs: ${n.gpu_error}` : 'No GPUs reported.');
  const shares = Number(n.gpu_shares_per_gpu) || 1;
  return h('table', { class: 'grid-table inner gpus' },
    h('thead', {}, h('tr', {}, ['GPU', 'Model', 'Memory', 'Utilisation', 'Temp', 'Held by', 'Target'].map((c) => h('th', {}, c)))),
    h('tbody', {}, gpus.map((g) => {
      const memBar = meter();
      memBar.set(g.memTotal ? (g.memUsed ?? 0) / g.memTotal : 0, `${g.memUsed ?? '?'} / ${g.memTotal ?? '?'} MiB`);
      const utilBar = meter();
      utilBar.set((g.util ?? 0) / 100, g.util === null ? '–' : `${g.util}%`);
      const held = g.holders.length
        ? [...g.holders.flatMap((id, i) => [i ? ', ' : '', h('a', { href: `/tasks/${id}` }, id)]),
          shares > 1 && !g.exclusive ? ` (${g.sharesUsed}/${shares} shares)` : '']
        : [h('span', { class: 'muted' }, shares > 1 ? `free (${shares} shares)` : 'free')];
      return h('tr', { 'data-gpu': g.id }, h('td', {}, g.id), h('td', {}, g.name || '–'), h('td', {}, memBar.el), h('td', {}, utilBar.el),
        h('td', { class: 'num' }, g.temp === null ? '–' : `${g.temp} °C`), h('td', { 'data-col': 'holders' }, ...held),
        h('td', {}, h('code', {}, `${n.hostname}::${g.id}`)));
    })));
}
