// HTTP access to the Host API under /api. Every call carries the session token when one is stored, has a
// timeout, and turns the Host's error shapes ({"detail": "..."} or a 422 list) into an ApiError.

const TOKEN_KEY = 'hakuriver.token';

export function getToken() { return sessionStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
}

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status (0 = no answer)
   * @param {string} message human-readable text (the Host's detail when it sent one)
   * @param {Object<string,string>} fieldErrors for 422 validation errors: request field -> message
   */
  constructor(status, message, fieldErrors = {}) {
    super(message);
    this.status = status;
    this.fieldErrors = fieldErrors;
  }
}

/** Builds "/api/path?k=v" leaving out empty values. */
export function apiUrl(path, query = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return '/api' + path + (qs ? '?' + qs : '');
}

/**
 * Low-level call; resolves to the Response when it is 2xx, throws ApiError otherwise.
 * Options: method, body (JSON-encoded), query, timeout (ms).
 */
export async function request(path, { method = 'GET', body, query, timeout = 10000 } = {}) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeout);
  let res;
  try {
    res = await fetch(apiUrl(path, query), {
      method, headers, signal: ctrl.signal,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    const msg = e.name === 'AbortError' ? `No answer from the Host within ${timeout / 1000} s` : `Host unreachable: ${e.message}`;
    window.dispatchEvent(new CustomEvent('hakuriver:offline', { detail: msg }));
    throw new ApiError(0, msg);
  } finally {
    clearTimeout(timer);
  }
  window.dispatchEvent(new CustomEvent('hakuriver:online'));
  if (res.ok) return res;
  throw await toApiError(res);
}

async function toApiError(res) {
  let detail = null;
  try { detail = (await res.json()).detail; } catch { /* not JSON: fall back to the status line */ }
  if (res.status === 401) window.dispatchEvent(new CustomEvent('hakuriver:unauthorized'));
  if (Array.isArray(detail)) {
    // Validation errors: [{loc: ["body", "field", ...], msg, type}]. Key them by the request field.
    const fieldErrors = {};
    const messages = [];
    for (const item of detail) {
      const loc = Array.isArray(item.loc) ? item.loc.filter((p) => p !== 'body') : [];
      const field = loc.length ? String(loc[0]) : '';
      const msg = item.msg || JSON.stringify(item);
      fieldErrors[field] = fieldErrors[field] ? fieldErrors[field] + '; ' + msg : msg;
      messages.push(field ? `${field}: ${msg}` : msg);
    }
    return new ApiError(res.status, messages.join('\n') || `HTTP ${res.status}`, fieldErrors);
  }
  const text = typeof detail === 'string' ? detail : detail ? JSON.stringify(detail) : `HTTP ${res.status} ${res.statusText}`;
  return new ApiError(res.status, text);
}

/** GET/POST returning parsed JSON. */
export async function getJson(path, opts) { return (await request(path, opts)).json(); }
export async function postJson(path, body, opts = {}) {
  return (await request(path, { ...opts, method: 'POST', body: body === undefined ? {} : body })).json();
}

/** Paged task list: resolves to {tasks, total}. */
export async function listTasks(query) {
  const res = await request('/tasks', { query });
  const tasks = await res.json();
  const header = res.headers.get('X-Total-Count');
  return { tasks, total: header === null ? tasks.length : Number(header) };
}

/** Count of tasks matching a filter, without transferring them (limit=1 + X-Total-Count). */
export async function countTasks(status) {
  const res = await request('/tasks', { query: { status, limit: 1 } });
  const header = res.headers.get('X-Total-Count');
  if (header !== null) return Number(header);
  // A Host without paging: count client-side (correct, only heavier).
  const wanted = new Set(status.split(','));
  return (await res.json()).filter((t) => wanted.has(t.status)).length;
}
