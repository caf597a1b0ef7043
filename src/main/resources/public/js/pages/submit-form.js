// "New task" dialog. Builds the POST /submit body; fields the user leaves alone are sent as null so the Host's
// defaults apply (privileged, additional_mounts: the original dashboard overwrote them, defect F3).
// Validation messages from the Host (422, detail[].loc = ["body", field]) appear next to their field.

import { getJson, postJson } from '../api.js';
import { h, setText, toast } from '../dom.js';
import { formatBytes, parseMemory, plural } from '../format.js';
import { numaZones } from './node-math.js';

const FIELDS = ['command', 'arguments', 'env_vars', 'targets', 'required_cores', 'required_memory_bytes',
  'gpu_count', 'gpu_share', 'container_name', 'privileged', 'additional_mounts'];

function field(name, label, input, hint) {
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: `f-${name}` }, label), input,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('small', { class: 'field-error', 'data-error-for': name, role: 'alert' }));
}

const lines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean);

/**
 * "n1, n2:0 n3::0,1" -> ["n1", "n2:0", "n3::0,1"]: commas and spaces separate targets, except the commas of a GPU id
 * list (a number right after a target with "::" belongs to that list).
 */
export function splitTargets(text) {
  const out = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    if (/^\d+$/.test(part) && out.length && out[out.length - 1].includes('::')) out[out.length - 1] += `,${part}`;
    else out.push(part);
  }
  return out;
}

/** Reads the form into a submit body; throws {field: message} for input the Host would not understand. */
export function buildSubmitBody(v) {
  const errs = {};
  const body = { command: v.command.trim() };
  if (!body.command) errs.command = 'A command is required';
  body.arguments = v.arguments.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  body.env_vars = {};
  for (const line of lines(v.env)) {
    const eq = line.indexOf('=');
    if (eq <= 0) { errs.env_vars = `Not KEY=VALUE: "${line}"`; continue; }
    body.env_vars[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  body.targets = [...v.checkedTargets, ...splitTargets(v.extraTargets)];
  // Cores are passed through as typed (the Host validates them and says what is wrong).
  body.required_cores = v.cores.trim() === '' ? 1 : Number(v.cores);
  if (v.cores.trim() !== '' && !Number.isInteger(body.required_cores)) errs.required_cores = 'Whole number of cores';
  try { body.required_memory_bytes = parseMemory(v.memory); } catch (e) { errs.required_memory_bytes = e.message; }
  // GPUs: any N of the chosen node; ids are named on a target instead (host::0,1), which the Host reads too
  const gpus = (v.gpus || '').trim();
  if (gpus !== '') {
    body.gpu_count = Number(gpus);
    if (!Number.isInteger(body.gpu_count) || body.gpu_count < 0) errs.gpu_count = 'Whole number of GPUs';
  }
  if (v.gpuShare) body.gpu_share = true;
  body.container_name = v.container;
  body.privileged = v.privileged === '' ? null : v.privileged === 'true';
  body.additional_mounts = v.mounts.trim() === '' ? null : lines(v.mounts);
  if (Object.keys(errs).length) throw Object.assign(new Error('invalid'), { fieldErrors: errs });
  return body;
}

const SCHEDULING_PREFIX = 'Failed to schedule task for any target. Failures: [';

/**
 * The Host's 503 text (the original's wire format, a Python repr):
 * "Failed to schedule task for any target. Failures: [{'target': 'x', 'reason': 'y'}, ...]" -> [{target, reason}].
 * Any other text -> []. The CLI does the same (client/SchedulingErrors.java).
 */
export function schedulingFailures(detail) {
  if (typeof detail !== 'string' || !detail.startsWith(SCHEDULING_PREFIX)) return [];
  const out = [];
  const re = /\{'target': '(.*?)', 'reason': '(.*?)'\}(?=, \{|\]$)/g;
  for (const m of detail.slice(SCHEDULING_PREFIX.length - 1).matchAll(re)) out.push({ target: m[1], reason: m[2] });
  return out;
}

export function openSubmitDialog({ onSubmitted, onOpenTask }) {
  const el = {
    command: h('input', { id: 'f-command', name: 'command', autocomplete: 'off', placeholder: 'e.g. python' }),
    arguments: h('textarea', { id: 'f-arguments', name: 'arguments', rows: 3, placeholder: 'one argument per line' }),
    env: h('textarea', { id: 'f-env_vars', name: 'env_vars', rows: 2, placeholder: 'KEY=VALUE, one per line' }),
    targetBoxes: h('div', { class: 'targets', id: 'f-targets' }, h('span', { class: 'muted' }, 'loading nodes…')),
    extraTargets: h('input', { name: 'extra_targets', placeholder: 'more targets: host, host:numa or host::gpu_ids (host::0,1), comma separated', autocomplete: 'off' }),
    gpus: h('input', { id: 'f-gpu_count', name: 'gpu_count', type: 'number', step: 1, min: 0, placeholder: '0' }),
    gpuShare: h('input', { id: 'f-gpu_share', name: 'gpu_share', type: 'checkbox' }),
    cores: h('input', { id: 'f-required_cores', name: 'required_cores', type: 'number', step: 1, value: 1 }),
    memory: h('input', { id: 'f-required_memory_bytes', name: 'required_memory_bytes', placeholder: 'e.g. 512M (empty = no limit)', autocomplete: 'off' }),
    container: h('select', { id: 'f-container_name', name: 'container_name' },
      h('option', { value: '' }, 'Host default environment'),
      h('option', { value: 'NULL' }, 'No container (plain process / systemd)')),
    privileged: h('select', { id: 'f-privileged', name: 'privileged' },
      h('option', { value: '' }, 'Host default'), h('option', { value: 'false' }, 'No'), h('option', { value: 'true' }, 'Yes')),
    mounts: h('textarea', { id: 'f-additional_mounts', name: 'additional_mounts', rows: 2, placeholder: 'host_path:container_path[:ro], one per line (empty = Host default)' }),
  };
  const general = h('p', { class: 'error', role: 'alert', hidden: true });
  const result = h('div', { class: 'result', 'data-testid': 'submit-result', hidden: true });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Submit');
  const close = h('button', { type: 'button' }, 'Close');
  const form = h('form', { class: 'submit-form', novalidate: true },
    h('h2', {}, 'New task'),
    field('command', 'Command', el.command),
    field('arguments', 'Arguments', el.arguments),
    field('env_vars', 'Environment', el.env),
    field('targets', 'Targets', h('div', {}, el.targetBoxes, el.extraTargets), 'None selected: the Host picks a node.'),
    h('div', { class: 'row' },
      field('required_cores', 'Cores', el.cores, '0 = no reservation, no CPU limit'),
      field('required_memory_bytes', 'Memory', el.memory, '1024-based: K, M, G')),
    h('div', { class: 'row' },
      field('gpu_count', 'GPUs', el.gpus, 'any N free GPUs of one node (or name ids: host::0,1)'),
      field('gpu_share', 'Share GPUs', el.gpuShare, 'with other sharing tasks, up to the node\'s shares per GPU')),
    h('div', { class: 'row' },
      field('container_name', 'Container environment', el.container),
      field('privileged', 'Privileged container', el.privileged)),
    field('additional_mounts', 'Extra mounts', el.mounts),
    general, result,
    h('div', { class: 'actions' }, close, submit));
  const dlg = h('dialog', { class: 'submit-dialog' }, form);
  document.body.append(dlg);
  dlg.addEventListener('close', () => dlg.remove());
  close.addEventListener('click', () => dlg.close());
  dlg.showModal();
  el.command.focus();

  loadChoices(el);

  const clearErrors = () => {
    general.hidden = true;
    form.querySelectorAll('.field-error').forEach((s) => setText(s, ''));
    form.querySelectorAll('.field.invalid').forEach((f) => f.classList.remove('invalid'));
  };
  const showErrors = (fieldErrors, fallback) => {
    const rest = [];
    for (const [name, msg] of Object.entries(fieldErrors)) {
      const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
      if (slot && FIELDS.includes(name)) { setText(slot, msg); slot.closest('.field').classList.add('invalid'); }
      else rest.push(name ? `${name}: ${msg}` : msg);
    }
    if (rest.length || (fallback && !Object.keys(fieldErrors).length)) {
      setText(general, rest.join('\n') || fallback);
      general.hidden = false;
    }
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors();
    result.hidden = true;
    let body;
    try {
      body = buildSubmitBody({
        command: el.command.value, arguments: el.arguments.value, env: el.env.value,
        checkedTargets: [...el.targetBoxes.querySelectorAll('input:checked')].map((c) => c.value),
        extraTargets: el.extraTargets.value, cores: el.cores.value, memory: el.memory.value,
        gpus: el.gpus.value, gpuShare: el.gpuShare.checked,
        container: el.container.value, privileged: el.privileged.value, mounts: el.mounts.value,
      });
    } catch (err) { showErrors(err.fieldErrors || {}, err.message); return; }
    submit.disabled = true;
    try {
      const r = await postJson('/submit', body, { timeout: 30000 });
      const ids = r.task_ids || [];
      const failed = r.failed_targets || [];
      // replaceChildren() would print a null argument as the text "null": pass only real nodes
      result.replaceChildren(...[
        h('p', {}, `Submitted ${plural(ids.length, 'task')}.`),
        ids.length ? h('ul', { class: 'inline-list' }, ids.map((id) => h('li', {},
          h('a', { href: `/tasks/${id}`, 'data-task-link': id, onclick: (ev) => { ev.preventDefault(); dlg.close(); onOpenTask(id); } }, id)))) : null,
      ].filter(Boolean));
      if (failed.length) showErrors({ targets: failed.map((f) => `${f.target}: ${f.reason}`).join('\n') });
      result.hidden = false;
      toast(`${plural(ids.length, 'task')} submitted`, 'ok');
      onSubmitted?.(ids);
    } catch (err) {
      // "no target could take it" belongs under Targets, one line per target, not at the bottom as a repr
      const sched = schedulingFailures(err.message);
      if (sched.length) showErrors({ targets: sched.map((f) => `${f.target}: ${f.reason}`).join('\n') });
      else showErrors(err.fieldErrors || {}, err.message);
    } finally {
      submit.disabled = false;
    }
  });
}

async function loadChoices(el) {
  try {
    const nodes = (await getJson('/nodes')).filter((n) => n.status === 'online');
    el.targetBoxes.replaceChildren(...(nodes.length ? nodes.flatMap((n) => {
      const zones = numaZones(n);
      return [h('label', { class: 'target' }, h('input', { type: 'checkbox', value: n.hostname }), ` ${n.hostname} `,
        h('span', { class: 'muted' }, `(${n.available_cores ?? '?'} of ${plural(n.total_cores, 'core')} free`
          + (n.gpus_total ? `, ${n.gpus_free} of ${plural(n.gpus_total, 'GPU')} free` : '') + ')')),
      ...zones.map((z) => h('label', { class: 'target numa' }, h('input', { type: 'checkbox', value: `${n.hostname}:${z.id}` }),
        ` ${n.hostname}:${z.id} `, h('span', { class: 'muted' }, `(${z.cores.length} cores, ${formatBytes(z.memory_bytes)})`)))];
    }) : [h('span', { class: 'muted' }, 'No node is online.')]));
  } catch (e) {
    el.targetBoxes.replaceChildren(h('span', { class: 'error' }, `Nodes not available: ${e.message}`));
  }
  try {
    const envs = await getJson('/docker/list');
    const names = Object.entries(envs || {}).sort((a, b) => (b[1].latest_timestamp || 0) - (a[1].latest_timestamp || 0));
    for (const [name] of names) el.container.append(h('option', { value: name }, name));
  } catch { /* no Docker on the Host: only the default and "no container" are offered */ }
}
