// SPDX-License-Identifier: MIT
// Coaches see and mark their own sessions, in Chromium: bookings hosted by one coach, by
// another, by both, and by an address that is nobody's arrive through the fake Calendly; each
// coach's Sessions page lists what they host, and the row buttons and the bulk action refuse
// another's session; a lead coach and an admin see and mark them all; hostile names are text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, newPage, visit, snap, login, admin, fake, idle, fixture, isoHoursFromNow } from './lib.mjs';

const run = Date.now().toString(36);
const HOSTILE = '<img src=x onerror=alert(11)>';
const PASSWORD = 'Coaches-' + run + '-pass!';
const TAG = 'coachscope.' + run;
const users = {
  a: { login: 'tfsp_coach_a_' + run, email: 'coach.a.' + run + '@school.example', role: 'tfsp_coach', name: 'Coach A ' + run },
  b: { login: 'tfsp_coach_b_' + run, email: 'coach.b.' + run + '@school.example', role: 'tfsp_coach', name: 'Coach B ' + run },
  lead: { login: 'tfsp_lead_' + run, email: 'lead.' + run + '@school.example', role: 'tfsp_lead_coach', name: 'Lead ' + run },
};
const NOBODY = 'nobody.' + run + '@school.example';
const dialogs = [];
const pages = {};
const ids = {};
let browser;

async function as(who) {
  if (!pages[who]) {
    pages[who] = await newPage(browser, dialogs);
    if (who === 'admin') await login(pages[who], env.WP_ADMIN_USER, env.WP_ADMIN_PASSWORD);
    else await login(pages[who], users[who].login, PASSWORD);
  }
  return pages[who];
}

async function sessions(page, name) {
  await visit(page, admin('tfsp-calendly') + '&s=' + encodeURIComponent(TAG), name);
}

/** The ids of the rows listed, sorted. */
async function listed(page) {
  const values = await page.locator('#the-list input[name="session[]"]').evaluateAll((all) => all.map((i) => Number(i.value)));
  return values.sort((x, y) => x - y);
}

const sorted = (...xs) => [...xs].sort((x, y) => x - y);

function row(page, id) {
  return page.locator('#the-list tr', { has: page.locator(`input[name="session[]"][value="${id}"]`) });
}

async function clickMark(page, id, mark) {
  const r = row(page, id);
  await r.locator(`button[data-mark="${mark}"]`).click();
  const result = r.locator('.tfsp-calendly-mark-result');
  // The answer replaces "Saving…" once the route has answered.
  for (let i = 0; i < 100; i++) {
    const text = (await result.innerText()).trim();
    if (text !== '' && !/^Saving/.test(text)) return text;
    await page.waitForTimeout(100);
  }
  throw new Error('no answer to the mark of session ' + id);
}

before(async () => {
  for (const [key, u] of Object.entries(users)) {
    u.id = fixture('user', u.login, u.email, u.role, PASSWORD, u.name);
    assert.match(u.id, /^\d+$/, key);
  }
  const bookings = {
    own: { host_email: users.a.email, name: HOSTILE },
    other: { host_email: users.b.email, name: 'Other ' + run },
    cohosted: { host_email: users.b.email, cohost_emails: [users.a.email], name: 'Cohosted ' + run },
    orphan: { host_email: NOBODY, name: 'Orphan ' + run },
  };
  const emails = {};
  for (const [key, b] of Object.entries(bookings)) {
    emails[key] = TAG + '.' + key + '@students.example';
    await fake('book', { email: emails[key], start_time: isoHoursFromNow(-4), ...b });
  }
  await idle();
  browser = await launch();
  // The ids, as the admin's list shows them.
  const page = await as('admin');
  await sessions(page, 'coaches-admin-ids');
  for (const key of Object.keys(bookings)) {
    const value = await page.locator('#the-list tr', { hasText: emails[key] }).locator('input[name="session[]"]').getAttribute('value');
    ids[key] = Number(value);
    assert.ok(ids[key] > 0, key + ' arrived');
  }
});

after(async () => {
  if (browser) await browser.close();
});

test('a coach lists only the sessions they host; the row buttons and the bulk action refuse another\'s', async () => {
  const page = await as('a');
  await sessions(page, 'coach-a-sessions');
  assert.deepEqual(await listed(page), sorted(ids.own, ids.cohosted));
  assert.match(await page.locator('.displaying-num').first().innerText(), /^2 items$/);
  const text = await page.locator('#wpbody-content').innerText();
  assert.ok(text.includes(HOSTILE), 'the hostile name is shown as text');
  assert.equal(await page.locator('#wpbody-content img[src="x"]').count(), 0);
  assert.equal(await page.locator('.tfsp-calendly-unmatched-hosts').count(), 0, 'the unmatched hosts are the admin\'s notice');

  // A row button pointed at another coach's session (a stale or doctored page) is refused.
  await row(page, ids.own).locator('.tfsp-calendly-mark').evaluate((box, other) => box.setAttribute('data-session', String(other)), ids.other);
  assert.match(await clickMark(page, ids.own, 'attended'), /You can mark only the sessions you host/);
  await snap(page, 'coach-a-row-refused');
  {
    const adminPage = await as('admin');
    await sessions(adminPage, 'admin-after-row-refused');
    assert.doesNotMatch(await row(adminPage, ids.other).locator('.tfsp-calendly-status').getAttribute('data-status'), /attended/, 'the refused mark changed nothing');
  }

  // The bulk action with a session that has no coach: refused, and said so.
  const nonce = await page.locator('#tfsp-calendly-sessions-form input[name="_wpnonce"]').first().getAttribute('value');
  const res = await page.request.post(admin('tfsp-calendly'), {
    form: { action: 'mark_no_show', _wpnonce: nonce, 'session[]': String(ids.orphan) },
    headers: { Referer: admin('tfsp-calendly') + '&s=' + encodeURIComponent(TAG) },
    maxRedirects: 0,
  });
  assert.equal(res.status(), 302);
  await sessions(page, 'coach-a-bulk-refused');
  assert.match(await page.locator('.notice-error').allInnerTexts().then((t) => t.join(' ')), new RegExp(`Session #${ids.orphan}: You can mark only the sessions you host`));

  // Their own sessions, co-hosted included, they mark.
  await sessions(page, 'coach-a-again');
  assert.equal(await clickMark(page, ids.cohosted, 'attended'), 'Saved.');
  assert.deepEqual(dialogs, []);
});

test('both hosts of a co-hosted session see and mark it', async () => {
  const page = await as('b');
  await sessions(page, 'coach-b-sessions');
  assert.deepEqual(await listed(page), sorted(ids.other, ids.cohosted));
  assert.equal(await clickMark(page, ids.cohosted, 'no_show'), 'Saved.');
  assert.equal(await row(page, ids.cohosted).locator('.tfsp-calendly-status').innerText(), 'No-show');
});

test('a lead coach and an admin see and mark every session; the admin is told which host e-mails match no user', async () => {
  const lead = await as('lead');
  await sessions(lead, 'lead-sessions');
  assert.deepEqual(await listed(lead), sorted(ids.own, ids.other, ids.cohosted, ids.orphan));
  assert.equal(await clickMark(lead, ids.orphan, 'attended'), 'Saved.');
  assert.equal(await clickMark(lead, ids.other, 'attended'), 'Saved.');

  const page = await as('admin');
  await sessions(page, 'admin-sessions');
  assert.deepEqual(await listed(page), sorted(ids.own, ids.other, ids.cohosted, ids.orphan));
  const notice = await page.locator('.tfsp-calendly-unmatched-hosts').innerText();
  assert.ok(notice.includes(NOBODY), 'the unmatched host is named');
  assert.ok(!notice.includes(users.a.email), 'a coach\'s address is not');
  assert.equal(await clickMark(page, ids.orphan, 'none'), 'Saved.');
  // Nothing of the refused marks landed: the own session is unmarked, the orphan only ever marked by the lead coach.
  assert.match(await row(page, ids.own).locator('.tfsp-calendly-status').getAttribute('data-status'), /^(scheduled|needs_attendance)$/);
  await snap(page, 'admin-sessions-after');
  assert.deepEqual(dialogs, []);
});
