// What a user may do with a task in each state, and the calls behind the buttons.

import { postJson } from './api.js';
import { confirmDialog, h, setAttr, setText, toast } from './dom.js';

export const STATUSES = ['assigning', 'pending', 'running', 'paused', 'completed', 'failed', 'killed', 'killed_oom', 'lost'];
export const FINAL = new Set(['completed', 'failed', 'killed', 'killed_oom', 'lost']);

export const isFinal = (status) => FINAL.has(status);

/** The Host accepts kill in every non-final state, pause only while running, resume only while paused. */
export function allowed(status) {
  return {
    kill: !FINAL.has(status),
    pause: status === 'running',
    resume: status === 'paused',
  };
}

export function statusBadge() { return h('span', { class: 'badge' }); }
export function updateBadge(el, task) {
  setText(el, task.status + (task.assignment_suspicion_count > 0 ? ' (?)' : ''));
  setAttr(el, 'data-status', task.status);
  setAttr(el, 'title', task.assignment_suspicion_count > 0
    ? `The runner has not confirmed this task yet (${task.assignment_suspicion_count} checks)` : null);
}

async function act(task, action, onDone) {
  const id = task.task_id;
  try {
    if (action === 'kill') {
      if (!(await confirmDialog(`Kill task ${id} (${task.command})?`, 'Kill'))) return;
      const r = await postJson(`/kill/${id}`);
      toast(r.message || `Kill requested for ${id}`, 'ok');
    } else {
      const r = await postJson(`/command/${id}/${action}`);
      toast(r.message || `${action} sent`, 'ok');
    }
  } catch (e) {
    toast(`${action} ${id}: ${e.message}`, 'error', 8000);
  }
  onDone?.();
}

/**
 * Pause / Resume / Kill buttons for one task; returns {el, update(task)}. Buttons that the task's state does
 * not allow are disabled (with a tooltip saying why) rather than hidden, so rows keep their layout.
 */
export function actionButtons(onDone, { compact = false } = {}) {
  let current = null;
  const mk = (action, label, cls) => h('button', {
    type: 'button', class: cls, 'data-action': action,
    onclick: (e) => { e.stopPropagation(); if (current) act(current, action, onDone); },
  }, label);
  const pause = mk('pause', 'Pause', '');
  const resume = mk('resume', 'Resume', '');
  const kill = mk('kill', 'Kill', 'danger');
  const el = h('span', { class: compact ? 'actions compact' : 'actions' }, pause, resume, kill);
  const api = {
    el,
    /** The task as last read; null = not known (not loaded yet, or no such task): nothing can be done. */
    update(task) {
      current = task;
      const ok = task ? allowed(task.status) : { pause: false, resume: false, kill: false };
      for (const [btn, can] of [[pause, ok.pause], [resume, ok.resume], [kill, ok.kill]]) {
        btn.disabled = !can;
        setAttr(btn, 'title', can ? null : task ? `Not possible while ${task.status}` : 'No such task');
      }
    },
  };
  api.update(null); // disabled until the task is known
  return api;
}
