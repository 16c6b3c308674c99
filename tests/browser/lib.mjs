// SPDX-License-Identifier: MIT
// Shared helpers of the browser tests: the stack's env file, Debian's Chromium through
// playwright-core, logins, screenshots of every page visited, the fake Calendly's control
// interface, and the PHP fixture script.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = resolve(here, '../..');
export const artifacts = join(root, 'tests/artifacts/browser');

export function loadEnv() {
  const file = process.env.CALSYNC_STACK_ENV || join(process.env.CALSYNC_STACK || join(root, '.stack'), 'env');
  const env = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = line.match(/^([A-Z0-9_]+)=(.*)$/);
    if (m) env[m[1]] = m[2];
  }
  return env;
}
export const env = loadEnv();

export const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

let shot = 0;
/**
 * Debian's Chromium; playwright passes --headless itself and gives the browser a fresh
 * temporary --user-data-dir, removed when it closes.
 */
export async function launch() {
  mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: FLAGS.filter((f) => f !== '--headless'),
  });
}

/** A context of its own per user (own cookies); every dialog is recorded, which fails the tests. */
export async function newPage(browser, dialogs) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  watch(page, dialogs);
  return page;
}

function watch(page, dialogs) {
  page.on('dialog', async (dialog) => {
    dialogs.push(dialog.type() + ': ' + dialog.message());
    await dialog.dismiss().catch(() => {});
  });
}

/** Goes to a URL and saves a full-page screenshot named after the step. */
export async function visit(page, url, name) {
  const response = await page.goto(url, { waitUntil: 'load' });
  await snap(page, name);
  return response;
}

export async function snap(page, name) {
  shot += 1;
  const file = join(artifacts, String(shot).padStart(2, '0') + '-' + name.replace(/[^a-z0-9-]+/gi, '-') + '.png');
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export async function login(page, user, password) {
  await page.goto(env.WP_URL + '/wp-login.php', { waitUntil: 'load' });
  // wp-login.php focuses a field 200 ms after it loads, and empties the password field first when
  // it already knows the user: fill the form after that (at most 5 s: an error page focuses nothing).
  await page.waitForFunction(() => ['user_login', 'user_pass'].includes(document.activeElement && document.activeElement.id), null, { timeout: 5000 })
    .catch(() => {});
  await page.fill('#user_login', user);
  await page.fill('#user_pass', password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#wp-submit')]);
}

export function admin(page) {
  return env.WP_URL + '/wp-admin/admin.php?page=' + page;
}

/** The fake Calendly's control interface. */
export async function fake(path, body) {
  const res = await fetch(env.FAKE_CALENDLY_URL + '/_control/' + path, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const data = await res.json();
  if (res.status >= 400) throw new Error(path + ': ' + res.status + ' ' + JSON.stringify(data));
  return data;
}

export async function idle() {
  return fake('idle?timeout=30');
}

/** Runs the PHP fixture script with the extension loaded. */
export function fixture(...args) {
  return execFileSync('php', ['-d', 'extension=' + env.CALSYNC_EXTENSION, join(here, 'support/fixture.php'), env.WP_PATH, ...args],
    { encoding: 'utf8' }).trim();
}

/** Runs due WP-Cron events now, as the stack's ticker does every minute. */
export async function runCron() {
  await fetch(env.WP_URL + '/wp-cron.php?doing_wp_cron=' + (Date.now() / 1000).toFixed(4));
}

export function isoHoursFromNow(hours) {
  const d = new Date(Date.now() + hours * 3600 * 1000);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
