// Entry point: history-mode router, sign-in with the cluster token, connection state.
// Each page module exports mount(container, ctx) and returns an unmount function that stops its polling.

import { getToken, setToken, request } from './api.js';
import { setText } from './dom.js';
import * as overview from './pages/overview.js';
import * as nodes from './pages/nodes.js';
import * as tasks from './pages/tasks.js';
import * as taskDetail from './pages/task-detail.js';
import * as docker from './pages/docker.js';

const ROUTES = [
  { re: /^\/$/, page: overview, nav: 'overview', title: 'Overview' },
  { re: /^\/nodes\/?$/, page: nodes, nav: 'nodes', title: 'Nodes' },
  { re: /^\/tasks\/?$/, page: tasks, nav: 'tasks', title: 'Tasks' },
  { re: /^\/tasks\/(\d+)\/?$/, page: taskDetail, nav: 'tasks', title: 'Task', params: ['id'] },
  { re: /^\/docker\/?$/, page: docker, nav: 'docker', title: 'Docker environments' },
];

const view = document.getElementById('view');
const banner = document.getElementById('banner');
let unmount = null;
let authRequired = false;

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  render();
}

function render() {
  if (unmount) { unmount(); unmount = null; }
  document.querySelectorAll('dialog[open]').forEach((d) => d.close()); // dialogs belong to the page left
  view.replaceChildren();
  const path = location.pathname;
  const route = ROUTES.find((r) => r.re.test(path));
  document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('active', route?.nav === a.dataset.nav));
  if (!route) {
    setText(document.getElementById('page-title'), 'Not found');
    view.append(Object.assign(document.createElement('p'), { textContent: `No page at ${path}.` }));
    return;
  }
  if (authRequired && !getToken()) {
    // Nothing to show (and no point polling into 401s) until a token is entered.
    setText(document.getElementById('page-title'), route.title);
    view.append(Object.assign(document.createElement('p'), { className: 'muted', textContent: 'Sign in with the cluster token (top right) to see this page.' }));
    return;
  }
  const m = route.re.exec(path);
  const params = Object.fromEntries((route.params || []).map((name, i) => [name, m[i + 1]]));
  const title = (t) => { setText(document.getElementById('page-title'), t); document.title = `${t} · HakuRiver`; };
  title(route.title);
  unmount = route.page.mount(view, { params, navigate, setTitle: title, query: new URLSearchParams(location.search) }) || null;
}

// Links marked data-link (and any same-origin <a> inside the view) navigate without a reload.
document.addEventListener('click', (e) => {
  const a = e.target.closest('a[href]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || a.target) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || a.hasAttribute('download')) return;
  e.preventDefault();
  if (url.pathname + url.search !== location.pathname + location.search) navigate(url.pathname + url.search);
});
window.addEventListener('popstate', render);

// ---- sign-in ----------------------------------------------------------------------------------------------
const loginForm = document.getElementById('login');
const loggedIn = document.getElementById('logged-in');

function showAuth() {
  const has = Boolean(getToken());
  loginForm.hidden = !authRequired || has;
  loggedIn.hidden = !authRequired || !has;
}

function showBanner(text) {
  if (text) { setText(banner, text); banner.hidden = false; } else banner.hidden = true;
}

loginForm.addEventListener('submit', async (e) => {
  e.preventDefault();
  const input = loginForm.elements.token;
  setToken(input.value.trim());
  input.value = '';
  try {
    await request('/nodes', { query: { limit: 1 } });
    showBanner(null);
    showAuth();
    render();
  } catch (err) {
    setToken('');
    showAuth();
    showBanner(err.status === 401 ? 'The Host refused this token.' : err.message);
  }
});
document.getElementById('logout').addEventListener('click', () => {
  setToken('');
  showAuth();
  render();
});

window.addEventListener('hakuriver:unauthorized', () => {
  const wasOpen = !authRequired || getToken();
  authRequired = true;
  setToken('');
  showAuth();
  showBanner('This cluster requires a token: enter it at the top right.');
  if (wasOpen) render(); // stop the page's polling until a token is entered
});

// ---- connection state -------------------------------------------------------------------------------------
const conn = document.getElementById('conn-state');
window.addEventListener('hakuriver:offline', (e) => {
  conn.className = 'conn down';
  conn.textContent = 'Host unreachable';
  conn.title = e.detail;
});
window.addEventListener('hakuriver:online', () => {
  if (conn.className !== 'conn up') { conn.className = 'conn up'; conn.textContent = 'connected'; conn.title = ''; }
});

// Two Hosts on PostgreSQL: say which one leads (a standby sends browsers to the leader, so this is the leader).
function showLeader(hz) {
  const el = document.getElementById('leader-state');
  if (!hz.leader) { el.hidden = true; return; }
  el.textContent = hz.role === 'leader' ? `leader: ${hz.leader}` : `standby; leader: ${hz.leader}`;
  el.hidden = false;
}

async function start() {
  try {
    const res = await fetch('/api/healthz', { headers: { Accept: 'application/json' } });
    if (res.ok) {
      const hz = await res.json();
      authRequired = Boolean(hz.auth_required);
      showLeader(hz);
    }
  } catch { /* the first page poll reports the Host as unreachable */ }
  showAuth();
  if (authRequired && !getToken()) showBanner('This cluster requires a token: enter it at the top right.');
  render();
}

start();
