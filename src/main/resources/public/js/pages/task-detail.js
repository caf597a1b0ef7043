// One task: every field, the actions its state allows, and stdout/stderr that follow a running task.

import { getJson } from '../api.js';
import { h, setText } from '../dom.js';
import { formatBytes, formatDuration, formatTime, taskDuration } from '../format.js';
import { Poller } from '../poll.js';
import { actionButtons, isFinal, statusBadge, updateBadge } from '../task-actions.js';
import { logViewer } from './log-viewer.js';

export function mount(view, { params, setTitle }) {
  const id = params.id;
  setTitle(`Task ${id}`);
  const errors = h('p', { class: 'error', hidden: true });
  const badge = statusBadge();
  const poll = new Poller(refresh, 2000, (e) => {
    setText(errors, e.status === 404 ? `No task ${id}: ${e.message}` : e.message);
    errors.hidden = false;
    if (e.status === 404) actions.update(null); // an unknown id offers no Pause/Resume/Kill
  });
  const actions = actionButtons(() => poll.now());
  const facts = h('dl', { class: 'facts', 'data-testid': 'task-facts' });
  const message = h('p', { class: 'error-message', hidden: true, 'data-testid': 'task-error' });
  const waiting = h('p', { class: 'muted', hidden: true, 'data-testid': 'task-waiting' });
  const history = h('ol', { class: 'events', 'data-testid': 'task-events' });
  const stdout = logViewer(id, 'stdout');
  const stderr = logViewer(id, 'stderr');

  view.append(
    h('p', {}, h('a', { href: '/tasks' }, '← all tasks')),
    errors,
    h('section', { class: 'card wide' },
      h('div', { class: 'task-head' }, badge, actions.el),
      message, waiting, facts),
    h('section', { class: 'card wide' }, h('h3', {}, 'History'), history),
    h('section', { class: 'logs' }, stdout.el, stderr.el),
  );

  let lastSig = '';
  async function refresh() {
    const t = await getJson(`/status/${id}`);
    errors.hidden = true;
    updateBadge(badge, t);
    actions.update(t);
    setText(message, t.error_message || '');
    // a waiting task's reason is not an error: shown once, in the waiting line
    message.hidden = !t.error_message || t.error_message === t.waiting_reason;
    const sig = JSON.stringify(t);
    setText(waiting, t.waiting_reason || '');
    waiting.hidden = !t.waiting_reason;
    if (sig !== lastSig) { lastSig = sig; renderFacts(facts, t); renderHistory(history, t); }
    const runTime = facts.querySelector('[data-field=run_time]');
    if (runTime) setText(runTime, formatDuration(taskDuration(t))); // ticks while the task runs
    // Logs follow while the task can still write; one last read after it ended picks up the tail.
    const final = isFinal(t.status);
    stdout.follow(!final);
    stderr.follow(!final);
    // Keep the run time ticking; a finished task needs no more than a slow refresh.
    poll.intervalMs = final ? 10000 : 2000;
  }
  poll.start();
  return () => { poll.stop(); stdout.stop(); stderr.stop(); };
}

/** The task's events (submitted, assigned, started, lost, requeued as attempt N, ended...) and earlier attempts. */
function renderHistory(list, t) {
  const events = t.events || [];
  list.replaceChildren(...(events.length ? events.map((e) => h('li', {},
    h('span', { class: 'muted' }, formatTime(e.at)), ' ', h('strong', {}, e.event), e.detail ? ` — ${e.detail}` : ''))
    : [h('li', { class: 'muted' }, 'No events recorded.')]),
  ...(t.attempts || []).map((a) => h('li', { 'data-attempt': a.attempt },
    h('strong', {}, `attempt ${a.attempt}`), ` ${a.status} on ${a.node || '–'}`,
    a.exit_code === null || a.exit_code === undefined ? '' : ` (exit code ${a.exit_code})`, ' · ',
    h('a', { href: `/api${a.stdout}`, target: '_blank' }, 'stdout'), ' · ',
    h('a', { href: `/api${a.stderr}`, target: '_blank' }, 'stderr'))));
}

function renderFacts(dl, t) {
  const node = t.assigned_node || t.assigned_node_hostname;
  const numa = t.target_numa_node_id;
  const env = t.env_vars && !Array.isArray(t.env_vars) ? Object.entries(t.env_vars) : [];
  const row = (label, value, testid) => [h('dt', {}, label), h('dd', testid ? { 'data-field': testid } : {}, value)];
  const multiline = (items) => (items.length ? h('pre', { class: 'inline' }, items.join('\n')) : h('span', { class: 'muted' }, 'none'));
  const container = t.container_name === 'NULL' ? 'none (no container)' : t.container_name || 'Host default';
  dl.replaceChildren(
    ...row('Task id', h('span', { class: 'mono' }, t.task_id)),
    ...row('Batch', t.batch_id ? h('a', { href: `/tasks?batch_id=${t.batch_id}`, class: 'mono' }, t.batch_id) : '–', 'batch'),
    ...row('Command', h('code', {}, t.command), 'command'),
    ...row('Arguments', multiline((t.arguments || []).map(String))),
    ...row('Environment', multiline(env.map(([k, v]) => `${k}=${v}`))),
    ...row('Target', node ? h('a', { href: `/nodes?node=${encodeURIComponent(node)}` }, node + (numa !== null && numa !== undefined ? `:${numa}` : ' (whole node)')) : '–', 'target'),
    ...row('Cores', t.required_cores === 0 ? '0 (no reservation)' : t.required_cores),
    ...row('Memory', t.required_memory_bytes ? formatBytes(t.required_memory_bytes) : 'no limit', 'memory'),
    ...row('Container', container + (t.docker_image_name && t.container_name !== 'NULL' ? ` · image ${t.docker_image_name}` : '')),
    ...row('Privileged', t.privileged === null || t.privileged === undefined ? '–' : t.privileged ? 'yes' : 'no'),
    ...row('Extra mounts', multiline(t.additional_mounts || [])),
    ...row('Submitted', formatTime(t.submitted_at)),
    ...row('Started', formatTime(t.started_at)),
    ...row('Completed', formatTime(t.completed_at)),
    ...row('Run time', formatDuration(taskDuration(t)), 'run_time'),
    ...row('Exit code', t.exit_code === null || t.exit_code === undefined ? '–' : String(t.exit_code), 'exit_code'),
    ...row('Priority', String(t.priority ?? 0)),
    ...row('After', t.depends_on ? `${t.depends_on.join(', ')} (${t.dependency_mode === 'after_any' ? 'any outcome' : 'must complete'})` : '–', 'depends_on'),
    ...row('Attempt', t.retries ? `${t.attempt} of ${t.retries + 1}` : '1', 'attempt'),
    ...row('Unit', h('span', { class: 'mono' }, t.systemd_unit_name || '–')),
    ...row('Log files', multiline([t.stdout_path, t.stderr_path].filter(Boolean))),
  );
}
