// SPDX-License-Identifier: MIT
// The unsubscribe link of a student mail, in Chromium, as the student meets it: the daily job
// sends "Book your next session" (to a subscriber who never had a session), the mail is read as
// stored by the stack's mail sink, and its link is opened in a browser that is not logged in. A
// tampered link answers 403 and records nothing; the real one shows a confirmation button and
// records nothing until it is clicked; the click shows the confirmation and records the choice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { env, launch, newPage, visit, snap, fixture } from './lib.mjs';

const run = Date.now().toString(36);
const student = { login: 'unsub_student_' + run, email: 'unsub.student.' + run + '@students.example', name: 'Unsub Student ' + run };
const META = 'tfsp_calendly_unsubscribed_student_book_next';
const dialogs = [];
const saved = {};
let browser;

/** The stored messages to an address whose subject holds $needle, oldest first: [headers, body]. */
function mailsTo(address, needle) {
  const dir = env.STACK_MAIL_DIR;
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml')).sort()
    .filter((f) => statSync(join(dir, f)).mtimeMs >= started - 2000);
  const out = [];
  for (const f of files) {
    const raw = readFileSync(join(dir, f), 'utf8');
    const cut = raw.search(/\r?\n\r?\n/);
    // Unfolded headers, RFC 2047 encoded words joined (the subject is Q-encoded by PHPMailer).
    const head = raw.slice(0, cut).replace(/\?=\r?\n[ \t]+=\?[^?]+\?Q\?/gi, '').replace(/\r?\n[ \t]+/g, ' ');
    const decode = (v) => v.replace(/=\?[^?]+\?Q\?([^?]*)\?=/gi, (m, q) => q.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (x, h) => String.fromCharCode(parseInt(h, 16))));
    const headers = {};
    for (const line of head.split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).toLowerCase()] = decode(line.slice(i + 1).trim());
    }
    if ((headers.to || '').includes(address) && (headers.subject || '').includes(needle)) out.push([headers, raw.slice(cut).trim()]);
  }
  return out;
}
const started = Date.now();

before(async () => {
  student.id = fixture('user', student.login, student.email, 'subscriber', 'Unsub-' + run + '-pass!', student.name);
  assert.match(student.id, /^\d+$/);
  saved.nudge_book_next = fixture('setting', 'nudge_book_next', 'true');
  saved.scheduling_url = fixture('setting', 'scheduling_url', JSON.stringify('https://calendly.com/tfsp/coaching'));
  browser = await launch();
});

after(async () => {
  for (const [name, json] of Object.entries(saved)) fixture('setting', name, json);
  if (browser) await browser.close();
});

test('a student unsubscribes from the link of their mail without logging in; a tampered link is refused', async () => {
  fixture('cron', 'tfsp_calendly_student_nudges');
  const mails = mailsTo(student.email, 'Book your next coaching session');
  assert.equal(mails.length, 1, 'one "book your next session" mail to the student');
  const [headers, body] = mails[0];
  const link = (body.match(/https?:\/\/\S*tfsp_calendly_unsubscribe=\S+/) || [])[0];
  assert.ok(link, 'the mail\'s text carries the unsubscribe link');
  assert.equal(headers['list-unsubscribe'], '<' + link + '>', 'the same link as the List-Unsubscribe header');
  assert.equal(fixture('user-meta', student.id, META), '', 'not unsubscribed yet');

  const page = await newPage(browser, dialogs); // A browser of its own: no login, no cookie.

  // Tampered: one character of the signature changed.
  const url = new URL(link);
  const sig = url.searchParams.get('tfsp_sig');
  url.searchParams.set('tfsp_sig', (sig[0] === 'a' ? 'b' : 'a') + sig.slice(1));
  const tampered = await visit(page, url.toString(), 'unsubscribe-tampered');
  assert.equal(tampered.status(), 403);
  assert.match(await page.locator('body').innerText(), /not valid/);
  assert.equal(await page.locator('button[type="submit"]').count(), 0, 'no button to press');
  assert.equal(fixture('user-meta', student.id, META), '', 'a tampered link records nothing');

  // The link as sent: a confirmation button, nothing recorded by the visit (mail scanners follow links).
  const shown = await visit(page, link, 'unsubscribe-confirm');
  assert.equal(shown.status(), 200);
  assert.match(await page.locator('body').innerText(), /Stop receiving e-mails that remind you to book your next coaching session\?/);
  assert.equal(fixture('user-meta', student.id, META), '', 'opening the link records nothing');
  assert.equal(await page.evaluate(() => document.cookie.includes('wordpress_logged_in')), false, 'not logged in');

  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.locator('button[type="submit"]', { hasText: 'Unsubscribe' }).click()]);
  await snap(page, 'unsubscribe-done');
  assert.match(await page.locator('body').innerText(), /Done: you will no longer receive e-mails that remind you to book your next coaching session\./);
  assert.match(fixture('user-meta', student.id, META), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/, 'the choice is recorded, with its time');

  // Tampered again, after: still refused.
  assert.equal((await visit(page, url.toString(), 'unsubscribe-tampered-after')).status(), 403);
  assert.deepEqual(dialogs, []);
});
