// A stdout/stderr pane that follows a file on the Host: GET /task/{id}/stdout?offset=N returns the bytes
// from N on and X-Next-Offset, so each poll transfers only what is new. Bytes are decoded with a streaming
// decoder, so a UTF-8 character split between two reads is not garbled.

import { request } from '../api.js';
import { h, setText } from '../dom.js';

const MAX_CHARS = 2_000_000; // keep the browser responsive with huge logs: the head is dropped past this
const INTERVAL_MS = 1500;

export function logViewer(taskId, stream) {
  const pre = h('pre', { class: 'log', 'data-log': stream, tabindex: 0 });
  const state = h('span', { class: 'muted' });
  const followBox = h('input', { type: 'checkbox', checked: true });
  const el = h('div', { class: 'log-pane card' },
    h('div', { class: 'log-head' }, h('h2', {}, stream), state,
      h('label', { class: 'follow' }, followBox, ' scroll to end')),
    pre);

  let offset = 0;
  const decoder = new TextDecoder('utf-8');
  let text = '';
  let timer = null;
  let active = false; // true while the task can still write
  let stopped = false;
  let busy = false;
  let again = false; // a read was asked for while one was in flight (e.g. the final one)

  async function read() {
    if (stopped) return;
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await request(`/task/${taskId}/${stream}`, { query: { offset }, timeout: 30000 });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const next = res.headers.get('X-Next-Offset');
      if (next === null) {
        // A Host without offsets sends the whole file every time: show it as is.
        text = new TextDecoder('utf-8').decode(bytes);
      } else {
        text += decoder.decode(bytes, { stream: true });
        offset = Number(next);
      }
      if (text.length > MAX_CHARS) text = '[… earlier output dropped …]\n' + text.slice(text.length - MAX_CHARS);
      if (pre.textContent !== text) {
        const atEnd = pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
        pre.textContent = text;
        if (followBox.checked && atEnd) pre.scrollTop = pre.scrollHeight;
      }
      setText(state, `${offset || bytes.length} bytes${active ? ' · following' : ''}`);
      pre.classList.toggle('empty', text === '');
    } catch (e) {
      // 404 before the task has written anything is normal.
      setText(state, e.status === 404 ? (active ? 'no output yet · waiting' : 'no output') : e.message);
    } finally {
      busy = false;
    }
    if (again) { again = false; await read(); }
  }

  function schedule() {
    clearTimeout(timer);
    if (stopped) return;
    timer = setTimeout(async () => { await read(); if (active) schedule(); }, INTERVAL_MS);
  }

  let started = false;
  return {
    el,
    /** Called on every task refresh: on = the task may still write. */
    follow(on) {
      const wasActive = active;
      active = on;
      if (!started) { started = true; read().then(() => { if (active) schedule(); }); return; }
      if (on && !wasActive) schedule();
      if (!on && wasActive) { clearTimeout(timer); read(); } // the last bytes written before it ended
    },
    stop() { stopped = true; clearTimeout(timer); },
  };
}
