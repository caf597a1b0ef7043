// Shared helpers for the browser scripts: start Debian's Chromium headless through playwright-core (never a
// downloaded browser), collect page errors, save screenshots, and a tiny step/assert reporter.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR || path.resolve(here, '..', 'artifacts', 'screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Parses `node script.mjs <baseUrl>`; the cluster token (if any) comes from HAKURIVER_TOKEN. */
export function args() {
  const baseUrl = (process.argv[2] || '').replace(/\/+$/, '');
  if (!/^https?:\/\//.test(baseUrl)) {
    console.error(`usage: node ${path.basename(process.argv[1])} <baseUrl e.g. http://127.0.0.1:8000>`);
    process.exit(2);
  }
  return { baseUrl, token: process.env.HAKURIVER_TOKEN || '' };
}

export async function launch() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium (scripts/testenv/chromium.sh)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hakuriver-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  return {
    page,
    problems,
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot ${file}`);
  return file;
}

let passed = 0;
let failed = 0;
/** Runs one named step; a failure is recorded (with a screenshot) and the script goes on to the next step. */
export async function step(name, page, fn) {
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.stack || e}`);
    try { await screenshot(page, `FAILED-${name.replace(/[^\w-]+/g, '_')}`); } catch { /* page may be gone */ }
  }
}

export function assert(cond, message) { if (!cond) throw new Error(message); }

/** Prints the summary line (read by the Java test) and exits non-zero when a step failed. */
export function finish(problems = []) {
  // Errors logged by the page itself count as failures: the dashboard must not throw while in use. Chromium also
  // logs every non-2xx fetch, including the ones the page expects and handles (404 for a log not written yet,
  // 401 for a wrong token, 422 validation); those are filtered out, a 5xx is not.
  const real = problems.filter((p) => !/Failed to load resource: the server responded with a status of (401|404|409|422|503)/.test(p));
  for (const p of real) console.log(`FAIL ${p}`);
  failed += real.length;
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

/** Polls fn until it returns a truthy value, or throws after timeout ms. */
export async function until(fn, { timeout = 20000, interval = 250, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try { last = await fn(); if (last) return last; } catch (e) { last = e; }
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`timed out after ${timeout} ms waiting for ${what}${last instanceof Error ? ': ' + last.message : ''}`);
}

/**
 * Opens a dashboard page the way a user gets there: load "/" once, then navigate inside the app (as a click on
 * a link does). Reloads of deep links are tested on their own in main-flow.mjs.
 */
export async function open(page, baseUrl, path) {
  if (!page.url().startsWith(baseUrl) || !(await page.locator('#view').count())) {
    await page.goto(baseUrl + '/');
    await page.waitForSelector('#view');
  }
  await page.evaluate((p) => { history.pushState(null, '', p); dispatchEvent(new PopStateEvent('popstate')); }, path);
}
