// SPDX-License-Identifier: MIT
// Browser tests of the wp-admin pages and the student portal against the running stack:
// connection and webhook set-up, marking, conflicts, unmatched bookings, back-fill progress,
// access control of every mutating route and form, and escaping of hostile input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, newPage, visit, snap, login, admin, fake, idle, fixture, runCron, isoHoursFromNow } from './lib.mjs';

const run = Date.now().toString(36);
const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_REASON = '<script>alert(2)</script>';
const HOSTILE_BY = '"><img src=x onerror=alert(3)>';
const HOSTILE_NOTE = '<svg onload=alert(4)>';
const STUDENT_NAME = 'Ada Lovelace ' + run;
const PASSWORD = 'Browser-' + run + '-pass!';
const users = {
  student: { login: 'tfsp_student_' + run, email: 'ada.' + run + '@school.example', role: 'subscriber', name: STUDENT_NAME },
  coach: { login: 'tfsp_coach_' + run, email: 'coach.' + run + '@school.example', role: 'tfsp_coach', name: 'Coach ' + run },
  subscriber: { login: 'tfsp_sub_' + run, email: 'sub.' + run + '@school.example', role: 'subscriber', name: 'Subscriber ' + run },
};
const dialogs = [];
let browser;
let portal = '';
const pages = {};

async function as(who) {
  if (!pages[who]) {
    pages[who] = await newPage(browser, dialogs);
    if (who === 'admin') await login(pages[who], env.WP_ADMIN_USER, env.WP_ADMIN_PASSWORD);
    else if (who !== 'anonymous') await login(pages[who], users[who].login, PASSWORD);
  }
  return pages[who];
}

async function sessionsRow(page, text) {
  return page.locator('#the-list tr', { hasText: text }).first();
}

async function reloadSessions(page, search, name, extra = '') {
  await visit(page, admin('tfsp-calendly') + '&s=' + encodeURIComponent(search) + extra, name);
}

before(async () => {
  for (const [key, u] of Object.entries(users)) {
    u.id = fixture('user', u.login, u.email, u.role, PASSWORD, u.name);
    assert.match(u.id, /^\d+$/, key);
  }
  portal = fixture('portal');
  assert.match(portal, /^https?:\/\//, 'the portal page with [tfsp_coaching_sessions] could not be made');
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  // Leave the stack as provisioned: every event type counts, the env file's signing key verifies.
  fixture('clear-event-types');
  fixture('restore-webhook', env.CALENDLY_SIGNING_KEY);
});

test('an admin connects, picks event types and registers the webhook; a booking then appears in Sessions', async () => {
  const page = await as('admin');
  await visit(page, admin('tfsp-calendly-settings'), 'settings-before');
  await page.fill('#tfsp-field-token', env.FAKE_CALENDLY_TOKEN);
  await Promise.all([page.waitForNavigation(), page.click('#tfsp_connect')]);
  await snap(page, 'settings-connected');
  assert.match(await page.locator('.notice-success').allInnerTexts().then((t) => t.join(' ')), /Connected to Calendly as/);
  assert.equal(await page.locator('.tfsp-calendly-secret-state').first().getAttribute('data-state'), 'stored');
  assert.equal(await page.locator('#tfsp-field-token').inputValue(), '', 'the token is never echoed');

  const coaching = page.locator('label.tfsp-calendly-event-type', { hasText: 'Coaching session' }).locator('input');
  await coaching.check();
  await Promise.all([page.waitForNavigation(), page.click('#tfsp_save')]);
  await snap(page, 'settings-event-types');
  assert.ok(await page.locator('label.tfsp-calendly-event-type', { hasText: 'Coaching session' }).locator('input').isChecked());
  assert.ok(!(await page.locator('label.tfsp-calendly-event-type', { hasText: 'Office hours' }).locator('input').isChecked()));

  await Promise.all([page.waitForNavigation(), page.click('#tfsp_register')]);
  await snap(page, 'settings-webhook-registered');
  assert.match(await page.locator('.notice-success').allInnerTexts().then((t) => t.join(' ')), /Webhook registered/);

  const name = 'Booked Person ' + run;
  await fake('book', { email: users.student.email, name, start_time: isoHoursFromNow(30) });
  await idle();
  await reloadSessions(page, name, 'sessions-after-booking');
  const row = await sessionsRow(page, name);
  await row.waitFor();
  assert.match(await row.innerText(), /Scheduled/);
  assert.deepEqual(dialogs, []);
});

test('a coach marks a past session attended; the portal shows 1 of 3; a later cancel leaves it attended with a conflict', async () => {
  const name = 'Past Session ' + run;
  // Hosted by the coach: a coach marks the sessions they host.
  const booking = await fake('book', { email: users.student.email, name, start_time: isoHoursFromNow(-3), host_email: users.coach.email });
  await idle();
  const page = await as('coach');
  await reloadSessions(page, name, 'coach-sessions-needs-attendance', '&view=needs_attendance');
  const row = await sessionsRow(page, name);
  await row.waitFor();
  assert.match(await row.innerText(), /Needs attendance/);
  await row.locator('.tfsp-calendly-mark-note').fill('Came on time ' + HOSTILE_NOTE);
  await row.locator('button[data-mark="attended"]').click();
  await row.locator('.tfsp-calendly-mark-result', { hasText: 'Saved.' }).waitFor();
  assert.equal(await row.locator('.tfsp-calendly-status').innerText(), 'Attended');
  await snap(page, 'coach-marked-attended');

  {
    const student = await as('student');
    await visit(student, portal, 'portal-one-of-three');
    assert.match(await student.locator('body').innerText(), /1 of 3/);
  }

  await fake('cancel', { invitee_uri: booking.invitee_uri, reason: HOSTILE_REASON, canceled_by: HOSTILE_BY });
  await idle();
  await reloadSessions(page, name, 'coach-sessions-conflict');
  const after = await sessionsRow(page, name);
  assert.equal(await after.locator('.tfsp-calendly-status').innerText(), 'Attended');
  const conflict = await after.locator('.tfsp-calendly-conflict').innerText();
  assert.match(conflict, /Conflict/);
  assert.ok(conflict.includes(HOSTILE_REASON) && conflict.includes(HOSTILE_BY), 'hostile cancel fields shown as text');
  await after.locator('.tfsp-calendly-history summary').click();
  const history = await after.locator('.tfsp-calendly-history').innerText();
  assert.ok(history.includes(HOSTILE_NOTE), 'the note is in the history, as text');
  assert.match(history, /Coach/);
  await snap(page, 'coach-history-open');
  assert.deepEqual(dialogs, []);
});

test('an admin links an unmatched booking to a student with the alias option', async () => {
  const email = 'ada.other.' + run + '@elsewhere.example';
  await fake('book', { email, name: STUDENT_NAME, start_time: isoHoursFromNow(50) });
  await fake('book', { email, name: STUDENT_NAME, start_time: isoHoursFromNow(74) });
  await idle();
  const page = await as('admin');
  await visit(page, admin('tfsp-calendly-unmatched') + '&s=' + encodeURIComponent(email), 'unmatched-before');
  const rows = page.locator('#the-list tr', { hasText: email });
  assert.equal(await rows.count(), 2);
  const suggestion = rows.first().locator('label.tfsp-calendly-suggestion', { hasText: users.student.email });
  assert.match(await suggestion.innerText(), /same name/);
  assert.ok((await suggestion.innerText()).includes(STUDENT_NAME), 'suggested name shown as text');
  await suggestion.locator('input').check();
  await rows.first().locator('input[name="alias"]').check();
  await Promise.all([page.waitForNavigation(), rows.first().locator('input[type="submit"], button[type="submit"]').first().click()]);
  await snap(page, 'unmatched-linked');
  assert.match(await page.locator('.notice-success').innerText(), /2 sessions linked/);
  assert.equal(await page.locator('#the-list tr', { hasText: email }).count(), 0);

  await reloadSessions(page, email, 'sessions-linked');
  assert.ok((await (await sessionsRow(page, email)).locator('.column-student').innerText()).includes(users.student.email));

  // A later booking with the alias is linked at once.
  await fake('book', { email, name: 'Alias Later ' + run, start_time: isoHoursFromNow(98) });
  await idle();
  await reloadSessions(page, 'Alias Later ' + run, 'sessions-alias-later');
  assert.ok((await (await sessionsRow(page, 'Alias Later ' + run)).locator('.column-student').innerText()).includes(users.student.email));

  {
    const student = await as('student');
    await visit(student, portal, 'portal-after-link');
    assert.ok((await student.locator('body').innerText()).length > 0);
  }
  assert.deepEqual(dialogs, []);
});

test('a back-fill started from the Sync page shows progress and ends with the rows in the list', async () => {
  const names = ['Backfilled One ' + run, 'Backfilled Two ' + run];
  for (const [i, name] of names.entries()) {
    await fake('book', { email: 'bf' + i + '.' + run + '@school.example', name, start_time: isoHoursFromNow(24 * (300 + i)), silent: true });
  }
  // A window of its own, far ahead, so the job reads only these bookings and
  // not the thousands the other suites leave in the same fake Calendly.
  const day = (n) => isoHoursFromNow(24 * n).slice(0, 10);
  const page = await as('admin');
  await reloadSessions(page, 'Backfilled', 'sessions-before-backfill');
  assert.equal(await page.locator('#the-list tr', { hasText: run }).count(), 0);

  await visit(page, admin('tfsp-calendly-sync'), 'sync-before-backfill');
  await page.fill('#tfsp-calendly-backfill input[name="from"]', day(299));
  await page.fill('#tfsp-calendly-backfill input[name="to"]', day(303));
  await page.click('#tfsp-calendly-backfill button[type="submit"]');
  const text = page.locator('.tfsp-calendly-progress-text');
  await text.filter({ hasText: /Back-fill #\d+/ }).waitFor();
  await snap(page, 'sync-backfill-started');
  const deadline = Date.now() + 120000;
  while (!/Done|Failed/.test(await text.innerText()) && Date.now() < deadline) {
    await runCron();
    await page.waitForTimeout(1500);
  }
  await snap(page, 'sync-backfill-finished');
  assert.match(await text.innerText(), /Done/);
  assert.equal(await page.locator('.tfsp-calendly-progress progress').evaluate((p) => p.value), 100);
  await reloadSessions(page, 'Backfilled', 'sessions-after-backfill');
  for (const name of names) await (await sessionsRow(page, name)).waitFor();
  assert.deepEqual(dialogs, []);
});

const ADMIN_PAGES = ['tfsp-calendly', 'tfsp-calendly-unmatched', 'tfsp-calendly-sync', 'tfsp-calendly-settings'];

test('a subscriber and a logged-out visitor get no admin page and no mutating route or form, even with another user\'s nonce', async () => {
  const adminPage = await as('admin');
  await visit(adminPage, admin('tfsp-calendly-settings'), 'settings-for-nonces');
  const adminRest = await (await adminPage.request.get(env.WP_URL + '/wp-admin/admin-ajax.php?action=rest-nonce')).text();
  const settingsNonce = await adminPage.locator('form.tfsp-calendly-settings input[name="_wpnonce"]').getAttribute('value');
  await visit(adminPage, admin('tfsp-calendly-sync'), 'sync-for-nonces');
  const healthNonce = await adminPage.locator('input[name="action"][value="tfsp_calendly_check_health"] ~ input[name="_wpnonce"]').first().getAttribute('value');
  await visit(adminPage, admin('tfsp-calendly'), 'sessions-for-nonces');
  const bulkNonce = await adminPage.locator('#tfsp-calendly-sessions-form input[name="_wpnonce"]').first().getAttribute('value');
  const sessionId = await adminPage.locator('#the-list tr[data-session]').first().getAttribute('data-session');
  const statusBefore = await adminPage.locator('#the-list tr[data-session] .tfsp-calendly-status').first().getAttribute('data-status');
  assert.ok(adminRest && settingsNonce && healthNonce && bulkNonce && sessionId);

  const coach = await as('coach');
  await visit(coach, admin('tfsp-calendly-settings'), 'coach-settings-refused');
  assert.match(await coach.locator('body').innerText(), /not allowed/);

  for (const who of ['subscriber', 'anonymous']) {
    const page = await as(who);
    for (const slug of ADMIN_PAGES) {
      const res = await visit(page, admin(slug), who + '-' + slug);
      if (who === 'anonymous') assert.match(page.url(), /wp-login\.php/, slug);
      else {
        assert.equal(res.status(), 403, slug);
        assert.equal(await page.locator('#the-list, form.tfsp-calendly-settings').count(), 0);
      }
    }
    const own = who === 'anonymous' ? '' : await (await page.request.get(env.WP_URL + '/wp-admin/admin-ajax.php?action=rest-nonce')).text();
    const rest = [
      ['sessions/' + sessionId + '/mark', { mark: 'no_show', note: 'x' }],
      ['backfill', { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' }],
      ['connection', { token: 'stolen' }],
      ['subscription', {}],
    ];
    for (const nonce of [own, adminRest].filter(Boolean)) {
      for (const [route, data] of rest) {
        const res = await page.request.post(env.WP_URL + '/wp-json/tfsp-calendly/v1/' + route, { headers: { 'X-WP-Nonce': nonce }, data });
        assert.ok([401, 403].includes(res.status()), who + ' ' + route + ' ' + res.status());
      }
    }
    const forms = [
      [env.WP_URL + '/wp-admin/admin-post.php', { action: 'tfsp_calendly_save_settings', _wpnonce: settingsNonce, 'tfsp[required_sessions]': '99', tfsp_save: '1' }],
      [env.WP_URL + '/wp-admin/admin-post.php', { action: 'tfsp_calendly_check_health', _wpnonce: healthNonce }],
      [env.WP_URL + '/wp-admin/admin-post.php', { action: 'tfsp_calendly_link', session: sessionId, user: '1', _wpnonce: 'x' }],
      [env.WP_URL + '/wp-admin/admin-post.php', { action: 'tfsp_calendly_retry_row', ledger: '1', _wpnonce: 'x' }],
      [admin('tfsp-calendly'), { action: 'mark_no_show', 'session[]': sessionId, _wpnonce: bulkNonce }],
    ];
    for (const [url, form] of forms) {
      const res = await page.request.post(url, { form, maxRedirects: 0 });
      const location = res.headers()['location'] || '';
      assert.ok([400, 403].includes(res.status()) || (res.status() === 302 && /wp-login\.php/.test(location)), who + ' ' + form.action + ' ' + res.status());
    }
  }
  const coachBackfill = await coach.request.post(env.WP_URL + '/wp-json/tfsp-calendly/v1/backfill', {
    headers: { 'X-WP-Nonce': await (await coach.request.get(env.WP_URL + '/wp-admin/admin-ajax.php?action=rest-nonce')).text() },
    data: { from: '2030-01-01T00:00:00Z', to: '2030-01-02T00:00:00Z' },
  });
  assert.equal(coachBackfill.status(), 403);

  await visit(adminPage, admin('tfsp-calendly-settings'), 'settings-unchanged');
  assert.equal(await adminPage.locator('#tfsp-field-required_sessions').inputValue(), '3');
  await visit(adminPage, admin('tfsp-calendly') + '&session=' + sessionId, 'session-unchanged');
  assert.equal(await adminPage.locator('#the-list .tfsp-calendly-status').first().getAttribute('data-status'), statusBefore);
  assert.deepEqual(dialogs, []);
});

test('hostile text in every displayed field shows as text everywhere and no dialog opens', async () => {
  const email = 'hostile.' + run + '@nowhere.example';
  const booking = await fake('book', { email, name: HOSTILE, start_time: isoHoursFromNow(-5) });
  await fake('book', { email, name: HOSTILE, start_time: isoHoursFromNow(120) });
  await idle();
  const page = await as('admin');
  await reloadSessions(page, email, 'hostile-sessions');
  const row = await sessionsRow(page, email);
  await row.locator('.tfsp-calendly-mark-note').fill(HOSTILE_NOTE);
  await row.locator('button[data-mark="no_show"]').click();
  await row.locator('.tfsp-calendly-mark-result', { hasText: 'Saved.' }).waitFor();
  await fake('cancel', { invitee_uri: booking.invitee_uri, reason: HOSTILE_REASON, canceled_by: HOSTILE_BY });
  await idle();
  for (const [url, name] of [
    [admin('tfsp-calendly') + '&s=' + encodeURIComponent(email), 'hostile-sessions-after'],
    [admin('tfsp-calendly-unmatched') + '&s=' + encodeURIComponent('hostile.' + run), 'hostile-unmatched'],
    [admin('tfsp-calendly-sync'), 'hostile-sync'],
    [admin('tfsp-calendly-settings'), 'hostile-settings'],
  ]) {
    await visit(page, url, name);
    await page.locator('details.tfsp-calendly-history summary').evaluateAll((all) => all.forEach((s) => s.click()));
    const text = await page.locator('#wpbody-content').innerText();
    if (name.startsWith('hostile-sessions')) {
      assert.ok(text.includes(HOSTILE), name + ': name as text');
      assert.ok(text.includes(HOSTILE_REASON) && text.includes(HOSTILE_BY) && text.includes(HOSTILE_NOTE), name + ': cancel fields and note as text');
    }
    if (name === 'hostile-unmatched') assert.ok(text.includes(HOSTILE));
    assert.equal(await page.locator('#wpbody-content img[src="x"], #wpbody-content svg[onload], #wpbody-content b[onmouseover]').count(), 0, name);
    await snap(page, name + '-expanded');
  }
  {
    const student = await as('student');
    await visit(student, portal, 'hostile-portal');
    assert.equal(await student.locator('b[onmouseover], img[src="x"]').count(), 0);
  }
  assert.deepEqual(dialogs, [], 'no dialog ever opened');
});
