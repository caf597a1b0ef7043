// Docker environments on the Host: its containers (start/stop/delete, snapshot to a tarball, shell) and the
// tarballs in the shared directory that runners load. When the Host has no Docker (or no Docker routes) the
// page says so instead of failing.

import { getJson, postJson } from '../api.js';
import { confirmDialog, h, setText, syncList, toast } from '../dom.js';
import { formatTime, plural } from '../format.js';
import { Poller } from '../poll.js';
import { openTerminal } from '../terminal.js';

/** Docker's human status text ("Up 5 hours", "Exited (0) 2 days ago", "Created") -> a state. */
export function containerState(status) {
  const s = String(status || '').toLowerCase();
  if (s.includes('paused')) return 'paused';
  if (s.startsWith('up') || s.includes('running')) return 'running';
  if (s.includes('exited') || s.includes('stopped') || s.includes('dead')) return 'stopped';
  if (s.includes('created')) return 'created';
  return 'unknown';
}

const unavailable = (e) => e.status === 404 || e.status === 501 || e.status === 503;

export function mount(view) {
  const notice = h('div', { class: 'notice', hidden: true, 'data-testid': 'docker-unavailable' });
  const errors = h('p', { class: 'error', hidden: true });
  const rows = h('tbody');
  const noContainers = h('p', { class: 'muted', hidden: true }, 'No environment containers on the Host yet: create one above.');
  const others = h('p', { class: 'muted', hidden: true, 'data-testid': 'other-containers' });
  const tarRows = h('tbody');
  const noTars = h('p', { class: 'muted', hidden: true }, 'No tarballs in the shared container directory.');

  const image = h('input', { name: 'image_name', placeholder: 'image, e.g. python:3.12-slim', required: true, autocomplete: 'off' });
  const envName = h('input', { name: 'container_name', placeholder: 'environment name, e.g. my-env', required: true, autocomplete: 'off' });
  const createForm = h('form', { class: 'toolbar', 'data-testid': 'create-container' },
    image, envName, h('button', { type: 'submit', class: 'primary' }, 'Create container'));
  const content = h('div', { hidden: true }, // shown once the Host answered: no flash of an empty table
    h('section', { class: 'card wide' }, h('h2', {}, 'Host containers'), createForm,
      h('table', { class: 'grid-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Image', 'Status', ''].map((c) => h('th', {}, c)))), rows), noContainers, others),
    h('section', { class: 'card wide' }, h('h2', {}, 'Environment tarballs (shared directory)'),
      h('table', { class: 'grid-table' },
        h('thead', {}, h('tr', {}, ['Environment', 'Latest version', 'File', 'Versions'].map((c) => h('th', {}, c)))), tarRows), noTars));
  view.append(notice, errors, content);

  const fail = (e) => {
    if (unavailable(e)) {
      setText(notice, `Docker is not available on this Host (${e.message}). Tasks can still run without a container (environment "NULL").`);
      notice.hidden = false;
      content.hidden = true;
    } else { setText(errors, e.message); errors.hidden = false; }
  };

  const poll = new Poller(async () => {
    const [containers, tars] = await Promise.all([getJson('/docker/host/containers'), getJson('/docker/list').catch((e) => e)]);
    notice.hidden = true;
    content.hidden = false;
    errors.hidden = true;
    // Only the containers HakuRiver made (create-container labels them): the engine may run anything else too.
    // A Host that does not send "environment" (the original's list) shows them all, as before.
    const labelled = containers.some((c) => 'environment' in c);
    const ours = labelled ? containers.filter((c) => c.environment) : containers;
    ours.sort((a, b) => a.name.localeCompare(b.name));
    syncList(rows, ours, (c) => c.name, (c) => createContainerRow(c, () => poll.now()), updateContainerRow);
    noContainers.hidden = ours.length > 0;
    const hidden = containers.length - ours.length;
    setText(others, hidden ? `${plural(hidden, 'other container')} on this Docker engine ${hidden === 1 ? 'was' : 'were'} not created by HakuRiver and ${hidden === 1 ? 'is' : 'are'} not shown.` : '');
    others.hidden = hidden === 0;
    if (tars instanceof Error) { setText(errors, `Tarballs: ${tars.message}`); errors.hidden = false; return; }
    const envs = Object.entries(tars || {}).sort((a, b) => a[0].localeCompare(b[0]));
    syncList(tarRows, envs, ([name]) => name, createTarRow, updateTarRow);
    noTars.hidden = envs.length > 0;
  }, 5000, fail).start();

  createForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!image.value.trim() || !envName.value.trim()) { toast('Image and environment name are both required', 'error'); return; }
    try {
      const r = await postJson('/docker/host/create', { image_name: image.value.trim(), container_name: envName.value.trim() }, { timeout: 180000 });
      toast(r.message || 'Container created', 'ok');
      envName.value = '';
    } catch (err) { toast(err.message, 'error', 10000); }
    poll.now();
  });

  return () => poll.stop();
}

async function containerAction(name, action, refresh) {
  const confirmText = {
    stop: `Stop container ${name}?`,
    delete: `Delete container ${name}? Its changes that are not in a tarball are lost.`,
    create_tar: `Snapshot ${name} into a new tarball? This can take minutes; runners load it on their next task.`,
  }[action];
  if (confirmText && !(await confirmDialog(confirmText, action === 'create_tar' ? 'Create tarball' : action[0].toUpperCase() + action.slice(1)))) return;
  const path = action === 'create_tar' ? `/docker/create_tar/${encodeURIComponent(name)}` : `/docker/host/${action}/${encodeURIComponent(name)}`;
  try {
    if (action === 'create_tar') toast(`Creating tarball of ${name}…`, 'info');
    const r = await postJson(path, undefined, { timeout: action === 'create_tar' ? 600000 : 60000 });
    toast(r.message || `${action} ${name}: done`, 'ok');
  } catch (e) { toast(`${action} ${name}: ${e.message}`, 'error', 10000); }
  refresh();
}

function createContainerRow(c, refresh) {
  const btn = (action, label, cls = '') => h('button', { type: 'button', class: cls, 'data-action': action,
    onclick: () => (action === 'shell' ? openTerminal(c.name) : containerAction(c.name, action, refresh)) }, label);
  return h('tr', { 'data-container': c.name },
    h('td', {}, h('strong', {}, c.name)), h('td', { class: 'mono' }), h('td', {}, h('span', { class: 'badge' })),
    h('td', {}, h('span', { class: 'actions' }, btn('start', 'Start'), btn('stop', 'Stop'), btn('shell', 'Shell'),
      btn('create_tar', 'Create tarball'), btn('delete', 'Delete', 'danger'))));
}

function updateContainerRow(tr, c) {
  const state = containerState(c.status);
  setText(tr.cells[1], c.image);
  const badge = tr.cells[2].firstChild;
  setText(badge, c.status);
  badge.dataset.status = state;
  const can = { start: state === 'stopped' || state === 'created', stop: state === 'running' || state === 'paused',
    shell: state === 'running', create_tar: state !== 'created', delete: true };
  for (const b of tr.cells[3].querySelectorAll('button')) b.disabled = !can[b.dataset.action];
}

function createTarRow() {
  return h('tr', {}, h('td', {}), h('td', {}), h('td', { class: 'mono' }), h('td', {}));
}

function updateTarRow(tr, [name, info]) {
  setText(tr.cells[0], name);
  const ts = info.latest_timestamp;
  setText(tr.cells[1], ts ? formatTime(new Date(ts * 1000).toISOString()) : '–');
  setText(tr.cells[2], info.latest_tarball || '–');
  const versions = info.all_versions || [];
  const sig = JSON.stringify(versions);
  if (tr.cells[3]._sig !== sig) {
    tr.cells[3]._sig = sig;
    tr.cells[3].replaceChildren(versions.length > 1
      ? h('details', {}, h('summary', {}, `${versions.length} versions`),
        h('ul', {}, versions.map((v) => h('li', { class: 'mono' }, `${formatTime(new Date(v.timestamp * 1000).toISOString())}  ${v.tarball}`))))
      : String(versions.length));
  }
}
