// SPDX-License-Identifier: MIT
// The Terms & cohorts page in Chromium: the admin adds a term whose last day is before its first
// (refused, the notice names the field, the form keeps what was typed, nothing listed), then a
// term with a hostile name (listed as text, marked current), a cohort picked by hand for it, and
// deletes both again from their rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, newPage, visit, snap, login, admin, fixture } from './lib.mjs';

const run = Date.now().toString(36);
const HOSTILE = '<img src=x onerror=alert(13)> Term ' + run;
const COHORT = '<b>Scholars</b> ' + run;
const PASSWORD = 'Terms-' + run + '-pass!';
const student = { login: 'terms_student_' + run, email: 'terms.student.' + run + '@students.example' };
const dialogs = [];
let browser;

function day(offset) {
  const d = new Date(Date.now() + offset * 86400 * 1000);
  return d.toISOString().slice(0, 10);
}

async function submit(page, form) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('input[type="submit"]').click()]);
}

before(async () => {
  student.id = fixture('user', student.login, student.email, 'subscriber', PASSWORD, 'Terms Student ' + run);
  assert.match(student.id, /^\d+$/);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

test('an admin adds a term and a cohort, is told which field is wrong, and deletes them', async () => {
  const page = await newPage(browser, dialogs);
  await login(page, env.WP_ADMIN_USER, env.WP_ADMIN_PASSWORD);
  await visit(page, admin('tfsp-calendly-terms'), 'terms-page');
  assert.equal(await page.locator('h1').innerText(), 'Terms & cohorts');

  let form = page.locator('form.tfsp-calendly-term-form');
  await form.locator('input[name="name"]').fill(HOSTILE);
  await form.locator('input[name="first_day"]').fill(day(10));
  await form.locator('input[name="last_day"]').fill(day(-10));
  await submit(page, form);
  await snap(page, 'terms-refused');
  assert.match(page.url(), /tfsp_error=last_day/);
  assert.match(await page.locator('.tfsp-calendly-notice.notice-error').innerText(), /Last day: it is before the first day\./);
  assert.equal(await page.locator('form.tfsp-calendly-term-form input[name="name"]').inputValue(), HOSTILE, 'what was typed is kept');
  assert.equal(await page.locator('.tfsp-term-name').count(), 0, 'nothing was added');

  form = page.locator('form.tfsp-calendly-term-form');
  await form.locator('input[name="first_day"]').fill(day(-10));
  await form.locator('input[name="last_day"]').fill(day(10));
  await form.locator('input[name="required"]').fill('4');
  await submit(page, form);
  await snap(page, 'terms-added');
  assert.match(await page.locator('.tfsp-calendly-notice.notice-success').innerText(), /was saved/);
  const name = page.locator('.tfsp-term-name', { hasText: 'Term ' + run });
  assert.equal(await name.count(), 1);
  assert.ok((await name.innerText()).includes(HOSTILE), 'the name is shown as text');
  assert.match(await name.innerText(), /\(current\)/);
  assert.equal(await page.locator('#wpbody-content img[src="x"]').count(), 0);

  form = page.locator('form.tfsp-calendly-cohort-form');
  await form.locator('input[name="name"]').fill(COHORT);
  await form.locator('input[name="kind"][value="hand"]').check();
  await form.locator('textarea[name="members"]').fill(student.email);
  await form.locator('select[name="term_id"]').selectOption({ label: HOSTILE });
  await form.locator('input[name="required"]').fill('5');
  await submit(page, form);
  await snap(page, 'cohort-added');
  const cohort = page.locator('.tfsp-calendly-cohorts-table tr', { hasText: 'Scholars</b> ' + run });
  assert.equal(await cohort.count(), 1, 'the cohort is listed, its name as text');
  assert.match(await cohort.innerText(), /1 student picked by hand/);
  assert.equal(await page.locator('#wpbody-content b', { hasText: 'Scholars' }).count(), 0);

  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), cohort.locator('button', { hasText: 'Delete' }).click()]);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('.tfsp-calendly-terms-table tr', { hasText: 'Term ' + run }).locator('button', { hasText: 'Delete' }).click()]);
  await snap(page, 'terms-deleted');
  assert.match(await page.locator('.tfsp-calendly-notice.notice-success').innerText(), /was deleted/);
  assert.equal(await page.locator('.tfsp-term-name', { hasText: 'Term ' + run }).count(), 0);
  assert.deepEqual(dialogs, []);
});
