// SPDX-License-Identifier: MIT
// The install test in Chromium, on the plain site tests/install/run set up: WordPress's own
// install.php, the README's "Installing into an existing WordPress site" (the .deb with apt,
// the zip through Plugins > Add New > Upload Plugin), connecting to the fake Calendly from the
// Settings page, a booking seen in wp-admin and in the student's portal page; then an upgrade
// to the next patch version of both, and the uninstall.  Steps a person does in a shell (apt,
// restarting the pool, reading the database) go through `tests/install/run helper`.
// Each step depends on the ones before it: after a failure the rest are skipped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, mkdirSync, existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// playwright-core from tests/browser's npm install (one install for both suites).
const require = createRequire(new URL('../browser/package.json', import.meta.url));
const { chromium } = require('playwright-core');

const env = {};
for (const line of readFileSync(process.env.CALSYNC_INSTALL_ENV, 'utf8').split('\n')) {
  const m = line.match(/^([A-Z0-9_]+)=(.*)$/);
  if (m) env[m[1]] = m[2];
}
const P = env.DB_PREFIX;
const run = Date.now().toString(36);
const student = {
  login: 'student' + run, email: 'ada.' + run + '@school.example', first: 'Ada', last: 'Lovelace',
  password: 'Student-' + run + '-Pw!9',
};
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];

mkdirSync(env.ARTIFACTS, { recursive: true });
let shot = 0;
let browser;
let page; // the admin's
let studentPage;
let portalUrl = '';
let booking;
let broken = false;
const dialogs = [];

async function snap(p, name) {
  shot += 1;
  const file = join(env.ARTIFACTS, String(shot).padStart(2, '0') + '-' + name.replace(/[^a-z0-9-]+/gi, '-') + '.png');
  await p.screenshot({ path: file, fullPage: true });
}
async function visit(p, path, name) {
  const res = await p.goto(env.SITE_URL + path, { waitUntil: 'load' });
  await snap(p, name);
  return res;
}
async function submit(p, selector) {
  await Promise.all([p.waitForNavigation({ waitUntil: 'load' }), p.click(selector)]);
}
function helper(...args) {
  return execFileSync(env.HELPER, ['helper', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
function sql(query) {
  return helper('sql', query).split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
function one(query) {
  const rows = sql(query);
  return rows.length ? rows[0][0] : null;
}
async function fake(path, body) {
  const res = await fetch(env.FAKE_URL + '/_control/' + path, body === undefined ? {} : {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  const data = await res.json();
  if (res.status >= 400) throw new Error(path + ': ' + res.status + ' ' + JSON.stringify(data));
  return data;
}
async function notices(p) {
  return (await p.locator('.notice, .updated, .error').allInnerTexts()).join(' | ');
}
function hoursFromNow(hours) {
  const d = new Date(Date.now() + hours * 3600 * 1000);
  d.setUTCMinutes(0, 0, 0);
  return d.toISOString().replace(/\.\d+Z$/, 'Z');
}
/**
 * wp-login.php focuses a field 200 ms after it loads, and empties the password field first
 * when it already knows the user: a form filled before that lost its password once.  Waits for
 * that focus (at most 5 s: a login page with an error message focuses nothing).
 */
async function loginFocused(p) {
  await p.waitForFunction(() => ['user_login', 'user_pass'].includes(document.activeElement && document.activeElement.id), null, { timeout: 5000 })
    .catch(() => {});
}
async function login(p, user, password, name) {
  await visit(p, '/wp-login.php', name + '-form');
  await loginFocused(p);
  await p.fill('#user_login', user);
  await p.fill('#user_pass', password);
  await submit(p, '#wp-submit');
  await snap(p, name);
}
async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const p = await context.newPage();
  p.on('dialog', async (dialog) => {
    // The one dialog a person confirms is WordPress's "delete this plugin?"; any other is a failure.
    if (dialog.type() === 'confirm' && /delete/i.test(dialog.message())) {
      await dialog.accept();
    } else {
      dialogs.push(dialog.type() + ': ' + dialog.message());
      await dialog.dismiss().catch(() => {});
    }
  });
  return p;
}
// The plugin's row on the Plugins screen.
function pluginRow(p) {
  return p.locator('tr[data-slug="tfsp-calendly-sync"]').first();
}
async function sessionsRow(p, search, name) {
  await visit(p, '/wp-admin/admin.php?page=tfsp-calendly&s=' + encodeURIComponent(search), name);
  return p.locator('#the-list tr', { hasText: search }).first();
}

/** A step of the walk-through: skipped once an earlier one failed; a failure leaves a screenshot. */
function step(name, fn) {
  test(name, async (t) => {
    if (broken) {
      t.skip('an earlier step failed');
      return;
    }
    try {
      await fn();
    } catch (e) {
      broken = true;
      for (const [who, p] of [['admin', page], ['student', studentPage]]) {
        if (p) await snap(p, 'FAILED-' + who + '-' + name.slice(0, 40)).catch(() => {});
      }
      throw e;
    }
  });
}

after(async () => {
  if (browser) await browser.close();
});

step('the plain site installs through wp-admin/install.php, with the classic theme and no calsync', async () => {
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: FLAGS });
  page = await newPage();
  page.setDefaultTimeout(20000);
  await visit(page, '/wp-admin/install.php', 'install-form');
  await page.fill('#weblog_title', 'Mentorship Portal');
  await page.fill('#user_login', env.ADMIN_USER);
  await page.fill('#pass1', env.ADMIN_PASSWORD);
  await page.fill('#admin_email', env.ADMIN_EMAIL);
  await submit(page, '#submit');
  await snap(page, 'install-done');
  assert.match(await page.locator('h1').innerText(), /Success/);
  assert.equal(one(`SELECT option_value FROM ${P}options WHERE option_name = 'template'`), 'twentytwentyone');
  await login(page, env.ADMIN_USER, env.ADMIN_PASSWORD, 'admin-dashboard');
  assert.match(await page.locator('#wpbody h1').first().innerText(), /Dashboard/);
  // Before the package: no calsync anywhere on the machine's PHP.
  assert.throws(() => helper('php-ri'), 'php --ri calsync fails before the package is installed');
});

step('README step 1: the .deb installs with apt; php --ri calsync answers; the pool restarts with it', async () => {
  helper('apt-install', env.CURRENT_DEB);
  const ri = helper('php-ri');
  assert.match(ri, /calsync support => enabled/);
  assert.match(ri, new RegExp('calsync version => ' + env.CURRENT_VERSION.replace(/\./g, '\\.')));
  assert.match(ri, /jansson version => \d/);
  // The stack's and the tests' PHP (a PHP_INI_SCAN_DIR of their own, scripts/lib/common.sh) stays
  // without the packaged module, and loads the one it is given once, without a warning...
  const m = helper('php-m');
  assert.doesNotMatch(m, /calsync/i, 'the isolated PHP does not load the packaged calsync');
  assert.doesNotMatch(m, /already loaded|Warning/i);
  const given = helper('php-m', '-d', 'extension=' + env.EXT_SO);
  assert.equal(given.split('\n').filter((l) => l === 'calsync').length, 1);
  assert.doesNotMatch(given, /already loaded|Warning/i);
  // ...which the machine's own configuration would not: the package is enabled for the CLI.
  assert.match(helper('php-m-system', '-d', 'extension=' + env.EXT_SO), /Module "calsync" is already loaded/);
  helper('restart-php-fpm');
});

step('README step 2: the zip uploads through Plugins > Add New > Upload Plugin and activates', async () => {
  await visit(page, '/wp-admin/plugin-install.php', 'add-new-plugin');
  await page.click('.upload-view-toggle');
  await page.setInputFiles('#pluginzip', env.CURRENT_ZIP);
  await snap(page, 'upload-chosen');
  await submit(page, '#install-plugin-submit');
  await snap(page, 'upload-installed');
  assert.match(await page.locator('#wpbody').innerText(), /Plugin installed successfully/);
  // Unpacked by WordPress itself (no FS_METHOD): the files belong to the pool's user.
  const dir = join(env.WP_DIR, 'wp-content/plugins/tfsp-calendly-sync');
  const owner = statSync(join(env.WP_DIR, 'wp-config.php')).uid;
  assert.equal(statSync(join(dir, 'tfsp-calendly-sync.php')).uid, owner, 'the plugin files belong to the pool user');
  await submit(page, 'a.button-primary:has-text("Activate Plugin")');
  await snap(page, 'plugin-activated');
  await visit(page, '/wp-admin/plugins.php', 'plugins-after-activation');
  const row = pluginRow(page);
  assert.match(await row.getAttribute('class'), /\bactive\b/, 'the plugin is active');
  assert.match(await row.innerText(), new RegExp('Version ' + env.CURRENT_VERSION.replace(/\./g, '\\.')));
  assert.doesNotMatch(await page.locator('#wpbody').innerText(), /is not loaded/, 'no missing-extension notice');
  const tables = sql(`SHOW TABLES LIKE '${P}tfsp\\_%'`).map((r) => r[0]);
  for (const t of ['tfsp_coach_sessions', 'tfsp_calendly_settings', 'tfsp_calendly_events', 'tfsp_session_audit']) {
    assert.ok(tables.includes(P + t), 'activation created ' + P + t);
  }
});

step('the Settings page connects to the fake Calendly (its URL typed as the API base) and registers the webhook', async () => {
  await visit(page, '/wp-admin/admin.php?page=tfsp-calendly-settings', 'settings-before');
  await page.fill('#tfsp-field-api_base', env.FAKE_URL);
  await page.fill('#tfsp-field-token', env.FAKE_TOKEN);
  await submit(page, '#tfsp_connect');
  await snap(page, 'settings-connected');
  assert.match(await notices(page), /Connected to Calendly as/);
  assert.equal(await page.locator('#tfsp-field-api_base').inputValue(), env.FAKE_URL);
  assert.equal(await page.locator('.tfsp-calendly-secret-state').first().getAttribute('data-state'), 'stored');
  await submit(page, '#tfsp_register');
  await snap(page, 'settings-webhook-registered');
  assert.match(await notices(page), /Webhook registered/);
  const subs = (await fake('state')).webhook_subscriptions;
  assert.equal(subs.length, 1);
  assert.ok(subs[0].callback_url.startsWith(env.SITE_URL + '/'), 'the subscription calls this site: ' + subs[0].callback_url);
});

step('a student added under Users > Add New books through the fake; the session shows in Sessions and in the portal', async () => {
  await visit(page, '/wp-admin/user-new.php', 'user-new');
  await page.fill('#user_login', student.login);
  await page.fill('#email', student.email);
  await page.fill('#first_name', student.first);
  await page.fill('#last_name', student.last);
  if (!(await page.locator('#pass1').isVisible())) await page.click('.wp-generate-pw');
  await page.fill('#pass1', student.password);
  if (await page.locator('#send_user_notification').isChecked()) await page.uncheck('#send_user_notification');
  await submit(page, '#createusersub');
  await snap(page, 'user-added');
  assert.match(await notices(page), /New user created/);

  // The students' page: a page with the portal shortcode, made in the block editor.
  await visit(page, '/wp-admin/post-new.php?post_type=page', 'page-new');
  // The editor's welcome guide opens over it on a first visit: close it as a person does.
  const guide = page.locator('.components-modal__frame');
  if (await guide.waitFor({ timeout: 10000 }).then(() => true, () => false)) {
    await snap(page, 'page-new-welcome-guide');
    await guide.locator('button[aria-label^="Close"]').first().click();
    await guide.waitFor({ state: 'detached' });
  }
  await page.locator('.editor-post-title__input, h1[aria-label="Add title"]').first().click();
  await page.keyboard.type('My coaching sessions');
  await page.keyboard.press('Enter');
  await page.keyboard.type('[tfsp_coaching_sessions]');
  await page.click('.editor-post-publish-panel__toggle');
  await page.click('.editor-post-publish-panel .editor-post-publish-button');
  await page.locator('.post-publish-panel__postpublish-header').waitFor();
  await snap(page, 'page-published');
  portalUrl = await page.locator('.post-publish-panel__postpublish-header a').first().getAttribute('href');
  assert.match(portalUrl, /^http/);

  booking = await fake('book', { email: student.email, name: 'Ada Lovelace', start_time: hoursFromNow(30) });
  await fake('idle?timeout=30');
  const row = await sessionsRow(page, student.email, 'sessions-after-booking');
  await row.waitFor();
  assert.match(await row.innerText(), /Scheduled/);
  assert.ok((await row.innerText()).includes(student.email));
  assert.equal(one(`SELECT COUNT(*) FROM ${P}tfsp_coach_sessions s JOIN ${P}users u ON u.ID = s.student_id
    WHERE u.user_login = '${student.login}' AND s.calendly_uri = '${booking.invitee.uri}'`), '1', 'the row is linked to the student');

  studentPage = await newPage();
  await login(studentPage, student.login, student.password, 'student-login');
  await studentPage.goto(portalUrl, { waitUntil: 'load' });
  await snap(studentPage, 'portal');
  const portal = studentPage.locator('.entry-content');
  assert.match(await portal.innerText(), /Upcoming/i);
  assert.ok(await portal.locator(`a[href="${booking.invitee.reschedule_url}"]`).count() > 0, 'the portal links the booking\'s reschedule page');
  assert.deepEqual(dialogs, []);
});

step('upgrade: the next .deb with apt and the next zip with "Replace current with uploaded"; nothing is lost', async () => {
  const before = {
    settings: sql(`SELECT setting_key, setting_value FROM ${P}tfsp_calendly_settings ORDER BY setting_key`),
    sessions: sql(`SELECT id, calendly_uri, student_id, status FROM ${P}tfsp_coach_sessions ORDER BY id`),
  };
  helper('apt-install', env.NEXT_DEB);
  assert.match(helper('php-ri'), new RegExp('calsync version => ' + env.NEXT_VERSION.replace(/\./g, '\\.')));
  helper('restart-php-fpm');

  await visit(page, '/wp-admin/plugin-install.php', 'upgrade-add-new');
  await page.click('.upload-view-toggle');
  await page.setInputFiles('#pluginzip', env.NEXT_ZIP);
  await submit(page, '#install-plugin-submit');
  await snap(page, 'upgrade-asks-to-replace');
  assert.match(await page.locator('#wpbody').innerText(), /already installed/i);
  await submit(page, 'a.update-from-upload-overwrite');
  await snap(page, 'upgrade-replaced');
  assert.match(await page.locator('#wpbody').innerText(), /Plugin updated successfully/i);

  await visit(page, '/wp-admin/plugins.php', 'upgrade-plugins');
  const row = pluginRow(page);
  assert.match(await row.getAttribute('class'), /\bactive\b/, 'still active after the upgrade');
  assert.match(await row.innerText(), new RegExp('Version ' + env.NEXT_VERSION.replace(/\./g, '\\.')));
  assert.doesNotMatch(await page.locator('#wpbody').innerText(), /is not loaded/);

  const afterSessions = sql(`SELECT id, calendly_uri, student_id, status FROM ${P}tfsp_coach_sessions ORDER BY id`);
  assert.deepEqual(afterSessions, before.sessions, 'the session rows are unchanged');
  const afterSettings = new Map(sql(`SELECT setting_key, setting_value FROM ${P}tfsp_calendly_settings`));
  for (const [k, v] of before.settings) {
    assert.ok(afterSettings.has(k), 'setting ' + k + ' kept');
    if (k === '_installed_version') {
      assert.ok(afterSettings.get(k).startsWith(env.NEXT_VERSION + '/'), 'the plugin noticed its new version: ' + afterSettings.get(k));
    } else if (!k.startsWith('_')) { // the plugin's own bookkeeping (_schema_version, ...) may move on
      assert.equal(afterSettings.get(k), v, 'setting ' + k + ' unchanged');
    }
  }
  assert.ok(before.settings.some(([k]) => k === 'token') && before.settings.some(([k]) => k === 'api_base'));

  await visit(page, '/wp-admin/admin.php?page=tfsp-calendly-settings', 'upgrade-settings');
  assert.equal(await page.locator('#tfsp-field-api_base').inputValue(), env.FAKE_URL);
  assert.equal(await page.locator('.tfsp-calendly-secret-state').first().getAttribute('data-state'), 'stored');
  await submit(page, '#tfsp_connect');
  await snap(page, 'upgrade-connection-tested');
  assert.match(await notices(page), /Connected to Calendly as/);

  const old = await sessionsRow(page, student.email, 'upgrade-sessions');
  await old.waitFor();
  // The webhook still flows: a second booking after the upgrade arrives.
  const second = await fake('book', { email: student.email, name: 'Ada Lovelace', start_time: hoursFromNow(54) });
  await fake('idle?timeout=30');
  assert.equal(one(`SELECT status FROM ${P}tfsp_coach_sessions WHERE calendly_uri = '${second.invitee.uri}'`), 'scheduled');
  await studentPage.goto(portalUrl, { waitUntil: 'load' });
  await snap(studentPage, 'upgrade-portal');
  for (const b of [booking, second]) {
    assert.ok(await studentPage.locator(`.entry-content a[href="${b.invitee.reschedule_url}"]`).count() > 0, 'portal shows ' + b.invitee.uri);
  }
  assert.deepEqual(dialogs, []);
});

step('uninstall: deactivate and delete in wp-admin; the secrets, caps, jobs and subscription go, the rest stays', async () => {
  const tablesBefore = sql('SHOW TABLES').map((r) => r[0]).sort();
  const counts = () => ({
    users: one(`SELECT COUNT(*) FROM ${P}users`),
    posts: one(`SELECT COUNT(*) FROM ${P}posts WHERE post_status = 'publish'`),
    sessions: one(`SELECT COUNT(*) FROM ${P}tfsp_coach_sessions`),
    siteurl: one(`SELECT option_value FROM ${P}options WHERE option_name = 'siteurl'`),
    blogname: one(`SELECT option_value FROM ${P}options WHERE option_name = 'blogname'`),
    template: one(`SELECT option_value FROM ${P}options WHERE option_name = 'template'`),
  });
  const countsBefore = counts();
  assert.match(one(`SELECT option_value FROM ${P}options WHERE option_name = '${P}user_roles'`), /tfsp_calendly_manage/);
  assert.ok(Number(one(`SELECT COUNT(*) FROM ${P}tfsp_calendly_settings WHERE setting_key IN ('token', 'signing_key')`)) === 2);

  await visit(page, '/wp-admin/plugins.php', 'uninstall-plugins');
  // While active, the Plugins screen says what deleting will do; checked below.
  assert.match(await page.locator('.tfsp-calendly-uninstall-plan').innerText(),
    /also deletes its Calendly webhook subscription .* and its sealed secrets\. Sessions stay/);
  await submit(page, 'tr[data-slug="tfsp-calendly-sync"] .deactivate a');
  await snap(page, 'uninstall-deactivated');
  assert.doesNotMatch(await pluginRow(page).getAttribute('class'), /\bactive\b/);
  await pluginRow(page).locator('.delete a').click(); // WordPress asks to confirm (accepted above), then deletes by Ajax
  await page.locator('tr.plugin-deleted-tr, .plugin-deleted-tr').first().waitFor({ timeout: 30000 });
  await snap(page, 'uninstall-deleted');
  assert.match(await page.locator('#wpbody').innerText(), /was successfully deleted/);
  assert.ok(!existsSync(join(env.WP_DIR, 'wp-content/plugins/tfsp-calendly-sync')), 'the plugin folder is gone');

  // What uninstall.php says it deletes.
  assert.equal(one(`SELECT COUNT(*) FROM ${P}tfsp_calendly_settings WHERE setting_key IN ('token', 'signing_key', '_pending_signing_key')
    OR setting_key LIKE '\\_backfill\\_streak\\_%'`), '0', 'the sealed secrets are deleted');
  assert.doesNotMatch(one(`SELECT option_value FROM ${P}options WHERE option_name = '${P}user_roles'`), /tfsp_calendly_/, 'no role keeps the plugin\'s capabilities');
  assert.doesNotMatch(one(`SELECT option_value FROM ${P}options WHERE option_name = 'cron'`), /tfsp_calendly_/, 'no scheduled job is left');
  assert.equal(one(`SELECT COUNT(*) FROM ${P}options WHERE option_name LIKE '%transient%tfsp_calendly_progress%'`), '0');
  assert.deepEqual((await fake('state')).webhook_subscriptions, [], 'the Calendly subscription is deleted');
  assert.doesNotMatch(one(`SELECT option_value FROM ${P}options WHERE option_name = 'active_plugins'`), /tfsp-calendly-sync/);
  // What stays: the sessions (delete_data_on_uninstall is off by default), the plain settings, and all of WordPress.
  assert.equal(one(`SELECT setting_value FROM ${P}tfsp_calendly_settings WHERE setting_key = 'api_base'`), env.FAKE_URL);
  assert.deepEqual(sql('SHOW TABLES').map((r) => r[0]).sort(), tablesBefore, 'no table dropped');
  assert.deepEqual(counts(), countsBefore, 'users, pages, sessions and the site options stay');
  assert.match(one(`SELECT option_value FROM ${P}options WHERE option_name = '${P}user_roles'`), /"administrator"/);

  await visit(page, '/wp-admin/', 'uninstall-dashboard');
  assert.match(await page.locator('#wpbody h1').first().innerText(), /Dashboard/);
  await studentPage.goto(portalUrl, { waitUntil: 'load' });
  await snap(studentPage, 'uninstall-portal-page');
  assert.match(await studentPage.locator('h1').first().innerText(), /My coaching sessions/, 'the page is still there');
  assert.deepEqual(dialogs, []);
});

test('the walk-through left no PHP error of the plugin in the site\'s log, and no fatal one at all', () => {
  // WordPress itself warns offline (api.wordpress.org unreachable) and in 6.1's install.php: not ours.
  const log = join(env.WP_DIR, '..', 'logs', 'php-errors.log');
  const lines = (existsSync(log) ? readFileSync(log, 'utf8') : '').split('\n');
  const ours = lines.filter((l) => /PHP (Fatal|Parse)|tfsp-calendly-sync|calsync/i.test(l));
  assert.deepEqual(ours, []);
  assert.ok(readdirSync(env.ARTIFACTS).length > 0);
});
