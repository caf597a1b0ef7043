// Formatting and parsing shared by the pages. Memory sizes are 1024-based everywhere, like the Host's config.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(n) {
  if (n === null || n === undefined || !Number.isFinite(Number(n))) return '–';
  let v = Number(n);
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) { v /= 1024; i++; }
  return (i === 0 ? String(v) : v.toFixed(v >= 100 ? 0 : 1)) + ' ' + UNITS[i];
}

const MEMORY_RE = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*$/i;
const FACTORS = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * "512M" -> 536870912, "2G" -> 2147483648, "1.5g" -> 1610612736, "4096" -> 4096 (bytes), "" -> null.
 * Throws an Error with a message fit for the form when the text is not a size.
 */
export function parseMemory(text) {
  if (text === null || text === undefined || String(text).trim() === '') return null;
  const m = MEMORY_RE.exec(String(text));
  if (!m) throw new Error('Use a number with an optional unit K, M, G or T (1024-based), e.g. 512M');
  const bytes = Math.round(Number(m[1]) * FACTORS[m[2].toLowerCase()]);
  if (!Number.isSafeInteger(bytes)) throw new Error('Memory size is too large');
  return bytes;
}

export function formatPercent(p) {
  return p === null || p === undefined || !Number.isFinite(Number(p)) ? '–' : Number(p).toFixed(1) + ' %';
}

/**
 * The Host sends ISO-8601 timestamps, with or without an offset. Without one they are the Host's local time;
 * the browser usually shares the zone in a lab, so they are read as local time.
 */
export function parseTime(s) {
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatTime(s) {
  const d = parseTime(s);
  if (!d) return '–';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  if (ms < 0) return '–';
  const s = Math.floor(ms / 1000);
  if (s < 60) return s + ' s';
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs} h ${m % 60} min`;
  return `${Math.floor(hrs / 24)} d ${hrs % 24} h`;
}

/** "12 s ago" for a timestamp, relative to now. */
export function formatAgo(s) {
  const d = parseTime(s);
  if (!d) return '–';
  const ms = Date.now() - d.getTime();
  return ms < 1000 ? 'just now' : formatDuration(ms) + ' ago';
}

/** Run time of a task: started..completed, or started..now while it runs. */
export function taskDuration(task) {
  const start = parseTime(task.started_at);
  if (!start) return null;
  const end = parseTime(task.completed_at) || new Date();
  return end.getTime() - start.getTime();
}

/** "1 core", "2 cores". */
export function plural(n, noun) { return `${n} ${noun}${n === 1 ? '' : 's'}`; }

export function truncate(s, n) {
  const str = s === null || s === undefined ? '' : String(s);
  return str.length > n ? str.slice(0, n - 1) + '…' : str;
}

/** Command line as a person would type it (display only: never executed). */
export function commandLine(task) {
  const quote = (a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${String(a).replace(/'/g, `'\\''`)}'`);
  return [task.command, ...(task.arguments || [])].map(quote).join(' ');
}
