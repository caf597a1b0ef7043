// Tasks: filtered, searchable, paged list (newest first). Only one page is fetched per poll
// (limit/offset + X-Total-Count), so the page costs the same with 50 or 50,000 tasks.
// Filters live in the URL (?status=running,paused&q=..&node=..&batch_id=..&page=N) so views can be linked.

import { listTasks, getJson } from '../api.js';
import { h, setText, syncList } from '../dom.js';
import { commandLine, formatAgo, formatBytes, formatDuration, formatTime, taskDuration, truncate } from '../format.js';
import { Poller } from '../poll.js';
import { actionButtons, STATUSES, statusBadge, updateBadge } from '../task-actions.js';
import { openSubmitDialog } from './submit-form.js';

const PAGE_SIZE = 50;
/** Columns that narrow windows hide (css: .tasks .opt). */
const OPTIONAL = ['Memory', 'Run time'];

export function mount(view, { query, navigate }) {
  const state = {
    status: new Set((query.get('status') || '').split(',').filter((s) => STATUSES.includes(s))),
    q: query.get('q') || '',
    node: query.get('node') || '',
    batch: query.get('batch_id') || '',
    page: Math.max(1, Number(query.get('page')) || 1),
  };

  const errors = h('p', { class: 'error', hidden: true });
  const search = h('input', { type: 'search', placeholder: 'Search command, arguments or id', value: state.q, 'aria-label': 'Search tasks', class: 'search' });
  const nodeSelect = h('select', { 'aria-label': 'Node' }, h('option', { value: '' }, 'All nodes'));
  const chips = STATUSES.map((s) => h('button', { type: 'button', class: 'chip', 'data-status': s, 'aria-pressed': String(state.status.has(s)) }, s));
  const allChip = h('button', { type: 'button', class: 'chip', 'aria-pressed': String(state.status.size === 0) }, 'all');
  const batchTag = h('span', { class: 'tag', hidden: !state.batch });
  const newTask = h('button', { type: 'button', class: 'primary', 'data-testid': 'new-task' }, 'New task');
  const pageInfo = h('span', { class: 'muted', 'data-testid': 'page-info' });
  const prev = h('button', { type: 'button' }, '← Newer');
  const next = h('button', { type: 'button' }, 'Older →');
  const rows = h('tbody');
  const empty = h('p', { class: 'muted', hidden: true }, 'No tasks match.');

  view.append(
    h('div', { class: 'toolbar' }, search, nodeSelect, newTask),
    h('div', { class: 'toolbar chips' }, allChip, chips, batchTag),
    errors,
    h('table', { class: 'grid-table tasks' },
      h('thead', {}, h('tr', {}, ['Task', 'Command', 'Status', 'Node', 'Cores', 'Memory', 'Submitted', 'Run time', '']
        .map((c) => h('th', { class: OPTIONAL.includes(c) ? 'opt' : null }, c)))),
      rows),
    empty,
    h('div', { class: 'pager' }, prev, pageInfo, next),
  );

  const syncUrl = () => {
    const p = new URLSearchParams();
    if (state.status.size) p.set('status', [...state.status].join(','));
    if (state.q) p.set('q', state.q);
    if (state.node) p.set('node', state.node);
    if (state.batch) p.set('batch_id', state.batch);
    if (state.page > 1) p.set('page', state.page);
    const qs = p.toString();
    history.replaceState(null, '', '/tasks' + (qs ? '?' + qs : ''));
  };
  const refilter = () => { state.page = 1; syncUrl(); poll.now(); };

  chips.forEach((chip) => chip.addEventListener('click', () => {
    const s = chip.dataset.status;
    if (state.status.has(s)) state.status.delete(s); else state.status.add(s);
    chip.setAttribute('aria-pressed', String(state.status.has(s)));
    allChip.setAttribute('aria-pressed', String(state.status.size === 0));
    refilter();
  }));
  allChip.addEventListener('click', () => {
    state.status.clear();
    chips.forEach((c) => c.setAttribute('aria-pressed', 'false'));
    allChip.setAttribute('aria-pressed', 'true');
    refilter();
  });
  let debounce;
  search.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => { state.q = search.value.trim(); refilter(); }, 300);
  });
  nodeSelect.addEventListener('change', () => { state.node = nodeSelect.value; refilter(); });
  if (state.batch) {
    batchTag.append(`batch ${state.batch} `, h('button', { type: 'button', class: 'link', onclick: () => { state.batch = ''; batchTag.hidden = true; refilter(); } }, '✕'));
  }
  prev.addEventListener('click', () => { state.page = Math.max(1, state.page - 1); syncUrl(); poll.now(); });
  next.addEventListener('click', () => { state.page += 1; syncUrl(); poll.now(); });
  newTask.addEventListener('click', () => openSubmitDialog({
    onSubmitted: () => poll.now(),
    onOpenTask: (id) => navigate(`/tasks/${id}`),
  }));

  // The node filter offers every registered node (plus one from the URL that may no longer exist).
  getJson('/nodes').then((nodes) => {
    const names = new Set(nodes.map((n) => n.hostname));
    if (state.node) names.add(state.node);
    for (const name of [...names].sort()) nodeSelect.append(h('option', { value: name, selected: name === state.node }, name));
  }).catch(() => {});

  const refreshRow = () => poll.now();
  const poll = new Poller(async () => {
    const { tasks, total } = await listTasks({
      status: [...state.status].join(','), q: state.q, node: state.node, batch_id: state.batch,
      limit: PAGE_SIZE, offset: (state.page - 1) * PAGE_SIZE,
    });
    errors.hidden = true;
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    if (state.page > pages && total > 0) { state.page = pages; syncUrl(); poll.now(); return; }
    const from = total ? (state.page - 1) * PAGE_SIZE + 1 : 0;
    setText(pageInfo, `${from}–${from ? from + tasks.length - 1 : 0} of ${total}`);
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pages;
    empty.hidden = tasks.length > 0;
    syncList(rows, tasks, (t) => t.task_id, (t) => createRow(t, navigate, refreshRow), updateRow);
  }, 3000, (e) => { setText(errors, e.message); errors.hidden = false; }).start();

  return () => { clearTimeout(debounce); poll.stop(); };
}

function createRow(t, navigate, refresh) {
  const actions = actionButtons(refresh, { compact: true });
  const tr = h('tr', { class: 'clickable', 'data-task': t.task_id },
    h('td', {}, h('a', { href: `/tasks/${t.task_id}`, class: 'mono' }, t.task_id)),
    h('td', { class: 'cmd mono' }), h('td', {}, statusBadge()), h('td', {}), h('td', { class: 'num' }),
    h('td', { class: 'num opt' }), h('td', {}), h('td', { class: 'num opt' }), h('td', {}, actions.el));
  tr._actions = actions;
  tr.addEventListener('click', (e) => { if (!e.target.closest('a,button')) navigate(`/tasks/${t.task_id}`); });
  return tr;
}

function updateRow(tr, t) {
  const td = tr.cells;
  const cmd = commandLine(t);
  setText(td[1], truncate(cmd, 200));
  td[1].title = cmd;
  updateBadge(td[2].firstChild, t);
  td[2].title = t.error_message || ''; // why it failed, without opening the task
  const node = t.assigned_node || t.assigned_node_hostname;
  setText(td[3], node ? node + (t.target_numa_node_id !== null && t.target_numa_node_id !== undefined ? `:${t.target_numa_node_id}` : '') : '–');
  setText(td[4], t.required_cores);
  setText(td[5], t.required_memory_bytes ? formatBytes(t.required_memory_bytes) : '–');
  setText(td[6], formatAgo(t.submitted_at));
  td[6].title = formatTime(t.submitted_at);
  setText(td[7], formatDuration(taskDuration(t)));
  tr._actions.update(t);
}
