// SPDX-License-Identifier: MIT
// The Add-session form of the Sessions page, in Chromium: a coach enters a session held outside
// Calendly for a student (an end before the start is refused and said so, nothing added), finds
// it in the list labelled "entered by hand by" them with its note shown as text, marks it
// attended, and a lead coach may name another coach while a coach is offered no coach to choose.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, newPage, visit, snap, login, admin, fixture } from './lib.mjs';

const run = Date.now().toString(36);
const PASSWORD = 'Hand-' + run + '-pass!';
const HOSTILE = '<img src=x onerror=alert(12)>';
const users = {
  coach: { login: 'tfsp_hand_coach_' + run, email: 'hand.coach.' + run + '@school.example', role: 'tfsp_coach', name: 'Hand Coach ' + run },
  lead: { login: 'tfsp_hand_lead_' + run, email: 'hand.lead.' + run + '@school.example', role: 'tfsp_lead_coach', name: 'Hand Lead ' + run },
  student: { login: 'hand_student_' + run, email: 'hand.student.' + run + '@students.example', role: 'subscriber', name: 'Hand Student ' + run },
};
const dialogs = [];
let browser;

function yesterday() {
  const d = new Date(Date.now() - 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

async function fill(page, { start, end, note, coach }) {
  await visit(page, admin('tfsp-calendly'), 'hand-form-' + run);
  await page.locator('#tfsp-calendly-add-session summary').click();
  const form = page.locator('#tfsp-calendly-add-session form');
  await form.locator('input[name="student"]').fill(users.student.email);
  if (coach !== undefined) await form.locator('select[name="coach_id"]').selectOption(String(coach));
  await form.locator('input[name="date"]').fill(yesterday());
  await form.locator('input[name="start_time"]').fill(start);
  await form.locator('input[name="end_time"]').fill(end);
  await form.locator('textarea[name="note"]').fill(note);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('input[type="submit"]').click()]);
}

before(async () => {
  for (const [key, u] of Object.entries(users)) {
    u.id = fixture('user', u.login, u.email, u.role, PASSWORD, u.name);
    assert.match(u.id, /^\d+$/, key);
  }
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

test('a coach enters a session by hand; it is listed, labelled, and marked like any other', async () => {
  const page = await newPage(browser, dialogs);
  await login(page, users.coach.login, PASSWORD);
  await visit(page, admin('tfsp-calendly'), 'hand-coach-sessions');
  assert.equal(await page.locator('#tfsp-calendly-add-session select[name="coach_id"]').count(), 0, 'a coach names no other coach');

  await fill(page, { start: '10:00', end: '09:00', note: 'refused' });
  await snap(page, 'hand-refused');
  assert.match(await page.locator('.notice-error').allInnerTexts().then((t) => t.join(' ')), /end must be after start/);
  assert.doesNotMatch(await page.locator('#wpbody-content').innerText(), /entered by hand by/, 'nothing was added');

  await fill(page, { start: '09:00', end: '10:00', note: HOSTILE });
  await snap(page, 'hand-added');
  assert.match(await page.locator('.notice-success').innerText(), /Session #\d+ was added/);
  assert.match(page.url(), /[?&]session=\d+/);
  const row = page.locator('#the-list tr').first();
  assert.match(await row.innerText(), new RegExp('entered by hand by ' + users.coach.name));
  assert.ok((await row.innerText()).includes(HOSTILE), 'the note is shown as text');
  assert.equal(await page.locator('#wpbody-content img[src="x"]').count(), 0);

  await row.locator('button[data-mark="attended"]').click();
  const result = row.locator('.tfsp-calendly-mark-result');
  for (let i = 0; i < 100 && !/Saved/.test(await result.innerText()); i++) await page.waitForTimeout(100);
  assert.equal((await result.innerText()).trim(), 'Saved.');
  assert.equal(await row.locator('.tfsp-calendly-status').innerText(), 'Attended');
  assert.deepEqual(dialogs, []);
});

test('a lead coach enters a session for another coach', async () => {
  const page = await newPage(browser, dialogs);
  await login(page, users.lead.login, PASSWORD);
  await fill(page, { start: '14:00', end: '15:30', note: 'for the coach', coach: users.coach.id });
  assert.match(await page.locator('.notice-success').innerText(), /was added/);
  const row = page.locator('#the-list tr').first();
  assert.match(await row.innerText(), new RegExp('entered by hand by ' + users.lead.name));
  assert.match(await row.innerText(), new RegExp(users.coach.name), 'the coach named');
  await snap(page, 'hand-lead');
  assert.deepEqual(dialogs, []);
});
