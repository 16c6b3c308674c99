// SPDX-License-Identifier: MIT
// The Reports page in Chromium: the admin enters two sessions by hand for a new coach (one marked
// attended) through the REST API, the one-minute job recounts their days, and on the Reports page
// the admin picks the dates, the coach and "per month" in the filter form and submits it: the
// figures are those two sessions (both entered by hand, one attended), the chart is an SVG with its
// title, its table of numbers opens, and the CSV link carries the same filter.  A hostile date
// gets a notice and no error page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, newPage, visit, snap, login, admin, fixture } from './lib.mjs';

const run = Date.now().toString(36);
const PASSWORD = 'Reports-' + run + '-pass!';
const coach = { login: 'tfsp_report_coach_' + run, email: 'report.coach.' + run + '@school.example', name: 'Report Coach ' + run };
const student = { login: 'report_student_' + run, email: 'report.student.' + run + '@students.example', name: 'Report Student ' + run };
const dialogs = [];
let browser;

function day(offset) {
  return new Date(Date.now() + offset * 86400 * 1000).toISOString().slice(0, 10);
}

before(async () => {
  coach.id = fixture('user', coach.login, coach.email, 'tfsp_coach', PASSWORD, coach.name);
  student.id = fixture('user', student.login, student.email, 'subscriber', PASSWORD, student.name);
  assert.match(coach.id, /^\d+$/);
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
});

test('an admin filters the report by dates, coach and month and sees the sessions, the chart and the CSV link', async () => {
  const page = await newPage(browser, dialogs);
  await login(page, env.WP_ADMIN_USER, env.WP_ADMIN_PASSWORD);
  await visit(page, admin('tfsp-calendly'), 'reports-sessions');
  const ids = await page.evaluate(async ([coachId, studentId, days]) => {
    const made = [];
    for (const d of days) {
      const s = await window.wp.apiFetch({ path: '/tfsp-calendly/v1/sessions', method: 'POST',
        data: { student_id: Number(studentId), coach_id: Number(coachId), start: d + 'T12:00:00Z', end: d + 'T13:00:00Z', note: 'browser report' } });
      made.push(s.id);
    }
    await window.wp.apiFetch({ path: '/tfsp-calendly/v1/sessions/' + made[0] + '/mark', method: 'POST', data: { mark: 'attended' } });
    return made;
  }, [coach.id, student.id, [day(-3), day(-2)]]);
  assert.equal(ids.length, 2);
  fixture('cron', 'tfsp_calendly_report_days');

  await visit(page, admin('tfsp-calendly-reports'), 'reports-page');
  assert.equal(await page.locator('h1').innerText(), 'Reports');
  const form = page.locator('form.tfsp-calendly-report-filter');
  await form.locator('input[name="from"]').fill(day(-7));
  await form.locator('input[name="to"]').fill(day(0));
  await form.locator('select[name="coach"]').selectOption({ label: coach.name });
  await form.locator('select[name="per"]').selectOption('month');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), form.locator('button[type="submit"]').click()]);
  await snap(page, 'reports-filtered');
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('coach'), coach.id);
  assert.equal(url.searchParams.get('per'), 'month');
  assert.equal(await page.locator('.tfsp-calendly-report-error').count(), 0);

  const figure = async (name) => (await page.locator(`tr[data-figure="${name}"] td`).innerText()).trim();
  assert.equal(await figure('booked'), '2');
  assert.equal(await figure('hand'), '2');
  assert.equal(await figure('attended'), '1');
  assert.equal(await figure('scheduled'), '1');
  assert.equal(await figure('canceled'), '0');
  assert.match(await page.locator('.tfsp-calendly-as-of').innerText(), /^As of /);

  const chart = page.locator('svg.tfsp-calendly-chart');
  assert.equal(await chart.count(), 1);
  assert.ok(await chart.isVisible(), 'the chart is drawn');
  assert.equal(await chart.locator('title#tfsp-chart-title').textContent(), 'Coaching sessions per month by status');
  assert.ok(await chart.locator('rect').count() >= 2, 'bars for the attended and the scheduled session');
  await page.locator('details.tfsp-calendly-chart-data summary').click();
  const rows = page.locator('details.tfsp-calendly-chart-data tbody tr');
  assert.ok(await rows.first().isVisible(), 'the chart\'s table opens');
  let attended = 0;
  for (let i = 0; i < await rows.count(); i++) {
    attended += Number(await rows.nth(i).locator('td').first().innerText());
  }
  assert.equal(attended, 1, 'the table carries the figures');

  const csv = new URL(await page.locator('a.tfsp-calendly-report-csv').getAttribute('href'));
  assert.equal(csv.searchParams.get('coach'), coach.id);
  assert.equal(csv.searchParams.get('from'), day(-7));
  assert.ok(csv.searchParams.get('_wpnonce'), 'the CSV link carries its nonce');

  await visit(page, admin('tfsp-calendly-reports') + '&from=' + encodeURIComponent('2026-02-31<b>x</b>'), 'reports-hostile');
  assert.match(await page.locator('.tfsp-calendly-report-error').first().innerText(), /From: give a date as YYYY-MM-DD/);
  assert.equal(await page.locator('#wpbody-content b', { hasText: 'x' }).count(), 0);

  // Clean up the two sessions.
  await visit(page, admin('tfsp-calendly'), 'reports-cleanup');
  await page.evaluate(async (made) => {
    for (const id of made) await window.wp.apiFetch({ path: '/tfsp-calendly/v1/sessions/' + id, method: 'DELETE' });
  }, ids);
  fixture('cron', 'tfsp_calendly_report_days');
});
