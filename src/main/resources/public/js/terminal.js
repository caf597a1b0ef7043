// Shell into a Host container over the Host's WebSocket terminal protocol (JSON text frames:
// {type:"input",data} and {type:"resize",rows,cols} out, {type:"output"|"error",data} in).
// xterm.js is imported only here, when a terminal is opened.

import { getToken } from './api.js';
import { h } from './dom.js';

let cssLoaded = false;

/** ws(s)://<page host>/api/docker/host/containers/<name>/terminal[?token=..] (browsers cannot set headers on a WebSocket). */
export function terminalUrl(name, loc = location, token = getToken()) {
  const proto = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const q = token ? `?token=${encodeURIComponent(token)}` : '';
  return `${proto}//${loc.host}/api/docker/host/containers/${encodeURIComponent(name)}/terminal${q}`;
}

export async function openTerminal(name) {
  if (!cssLoaded) {
    document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/xterm/xterm.css' }));
    cssLoaded = true;
  }
  const [{ Terminal }, { FitAddon }] = await Promise.all([
    import('/vendor/xterm/xterm.mjs'), import('/vendor/xterm/addon-fit.mjs')]);

  const status = h('span', { class: 'muted', 'data-testid': 'terminal-status' }, 'connecting…');
  const screen = h('div', { class: 'terminal-screen' });
  const closeBtn = h('button', { type: 'button' }, 'Close');
  const dlg = h('dialog', { class: 'terminal-dialog' },
    h('div', { class: 'log-head' }, h('h2', {}, `Shell in ${name}`), status, closeBtn), screen);
  document.body.append(dlg);
  dlg.showModal();

  const term = new Terminal({ cursorBlink: true, fontSize: 13, convertEol: false, scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.open(screen);
  fit.fit();

  const ws = new WebSocket(terminalUrl(name));
  const send = (msg) => { if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg)); };
  // The original dashboard never sent resize (F5); here every size change of the terminal is reported.
  const sendSize = () => {
    dlg.dataset.size = `${term.rows}x${term.cols}`; // visible to tests and to curious users in devtools
    send({ type: 'resize', rows: term.rows, cols: term.cols });
  };
  term.onResize(sendSize);
  term.onData((data) => send({ type: 'input', data }));
  ws.addEventListener('open', () => { status.textContent = 'connected'; sendSize(); term.focus(); });
  ws.addEventListener('message', (ev) => {
    let msg;
    try { msg = JSON.parse(ev.data); } catch { return; }
    if (msg.type === 'output') term.write(msg.data);
    else if (msg.type === 'error') { term.write(`\r\n\x1b[31m${msg.data}\x1b[0m\r\n`); status.textContent = msg.data; }
  });
  ws.addEventListener('close', (ev) => {
    status.textContent = `disconnected (${ev.code}${ev.reason ? ': ' + ev.reason : ''})`;
    term.write('\r\n\x1b[2m[connection closed]\x1b[0m\r\n');
  });
  const onWindowResize = () => fit.fit();
  window.addEventListener('resize', onWindowResize);
  const cleanup = () => {
    window.removeEventListener('resize', onWindowResize);
    if (ws.readyState <= WebSocket.OPEN) ws.close(1000);
    term.dispose();
    dlg.remove();
  };
  closeBtn.addEventListener('click', () => dlg.close());
  dlg.addEventListener('close', cleanup);
  return { ws, term, dialog: dlg };
}
