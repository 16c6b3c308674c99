// SPDX-License-Identifier: MIT
// "Connect with Calendly" in Chromium against the fake Calendly's auth base: the admin enters
// the OAuth app, connects through the fake's sign-in page, registers the webhook with the app's
// signing key (a booking then arrives), runs a back-fill that outlives several access tokens,
// and disconnects (the subscription deleted, the grant revoked); a forged state is refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, newPage, visit, snap, login, admin, fake, idle, fixture, runCron, isoHoursFromNow } from './lib.mjs';

const run = Date.now().toString(36);
const APP_KEY = 'app-signing-key-' + run + '-0123456789abcdef';
const CALLBACK = env.WP_URL + '/wp-admin/admin-post.php?action=tfsp_calendly_oauth';
const dialogs = [];
let browser;
let page;

async function notices() {
  return (await page.locator('.notice').allInnerTexts()).join(' ');
}

async function oauthState() {
  return fake('oauth');
}

before(async () => {
  fixture('forget-oauth');
  await fake('reset', { keep_subscriptions: true });
  browser = await launch();
  page = await newPage(browser, dialogs);
  await login(page, env.WP_ADMIN_USER, env.WP_ADMIN_PASSWORD);
});

after(async () => {
  if (browser) await browser.close();
  // Leave the stack as provisioned: no OAuth app, the personal access token and the env file's signing key.
  fixture('forget-oauth');
  await fake('reset', { keep_subscriptions: true });
  fixture('restore-webhook', env.CALENDLY_SIGNING_KEY);
});

test('an admin connects with Calendly, gets bookings and a back-fill through it, and disconnects', async () => {
  await visit(page, admin('tfsp-calendly-settings'), 'oauth-settings-before');
  assert.equal(await page.locator('.tfsp-calendly-mode').getAttribute('data-mode'), 'token');
  assert.equal(await page.locator('.tfsp-calendly-redirect-uri').innerText(), CALLBACK, 'the redirect URI to register is shown');
  assert.ok(await page.locator('#tfsp-oauth-connect').isDisabled(), 'no app yet: nothing to connect with');

  await page.fill('#tfsp-field-oauth_client_id', env.FAKE_OAUTH_CLIENT_ID);
  await page.fill('#tfsp-field-oauth_client_secret', env.FAKE_OAUTH_CLIENT_SECRET);
  await Promise.all([page.waitForNavigation(), page.click('#tfsp_save')]);
  assert.equal(await page.locator('#tfsp-field-oauth_client_secret').inputValue(), '', 'the secret is never echoed');

  // Access tokens that live 4 s: the back-fill below outlives several of them.
  await fake('switches', { pkce_required: true, oauth_expires_in: 4 });
  await Promise.all([page.waitForURL(/\/oauth\/authorize\?/), page.click('#tfsp-oauth-connect')]);
  await snap(page, 'oauth-calendly-sign-in');
  const authorize = new URL(page.url());
  assert.equal(authorize.origin, env.FAKE_CALENDLY_AUTH_URL);
  assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
  assert.match(await page.locator('h1').innerText(), /Sign in to Calendly/);
  await Promise.all([page.waitForURL(/page=tfsp-calendly-settings/), page.click('#allow')]);
  await snap(page, 'oauth-connected');
  assert.match(await notices(), /Connected with Calendly as Coach Lee/);
  assert.equal(await page.locator('.tfsp-calendly-mode').getAttribute('data-mode'), 'oauth');
  assert.ok(await page.locator('#tfsp-oauth-disconnect').isVisible());

  // The app's own signing key, then the webhook: used as it is.
  await page.fill('#tfsp-field-app-signing-key', APP_KEY);
  await Promise.all([page.waitForNavigation(), page.click('#tfsp_register')]);
  await snap(page, 'oauth-webhook-registered');
  assert.match(await notices(), /Webhook registered/);
  let state = await fake('state');
  assert.equal(state.webhook_subscriptions.length, 1);
  assert.equal(state.webhook_subscriptions[0].signing_key, APP_KEY);

  const booked = 'OAuth Booked ' + run;
  await fake('book', { email: 'oauth.' + run + '@school.example', name: booked, start_time: isoHoursFromNow(40) });
  await idle();
  await visit(page, admin('tfsp-calendly') + '&s=' + encodeURIComponent(booked), 'oauth-booking-arrived');
  await page.locator('#the-list tr', { hasText: booked }).first().waitFor();

  // A back-fill slow enough to outlive access tokens: each is renewed on the way, none breaks.
  const names = [];
  for (let i = 0; i < 6; i++) {
    names.push('OAuth Backfilled ' + i + ' ' + run);
    await fake('book', { email: 'oauthbf' + i + '.' + run + '@school.example', name: names[i], start_time: isoHoursFromNow(24 * (400 + i)), silent: true });
  }
  await fake('switches', { latency_ms: 700 });
  const day = (n) => isoHoursFromNow(24 * n).slice(0, 10);
  await visit(page, admin('tfsp-calendly-sync'), 'oauth-sync-before-backfill');
  await page.fill('#tfsp-calendly-backfill input[name="from"]', day(399));
  await page.fill('#tfsp-calendly-backfill input[name="to"]', day(407));
  await page.click('#tfsp-calendly-backfill button[type="submit"]');
  const text = page.locator('.tfsp-calendly-progress-text');
  await text.filter({ hasText: /Back-fill #\d+/ }).waitFor();
  const deadline = Date.now() + 180000;
  while (!/Done|Failed/.test(await text.innerText()) && Date.now() < deadline) {
    await runCron();
    await page.waitForTimeout(1500);
  }
  await fake('switches', { latency_ms: 0 });
  await snap(page, 'oauth-backfill-finished');
  assert.match(await text.innerText(), /Done/);
  const during = await oauthState();
  assert.ok(during.requests.token_refresh_token >= 1, 'the access token was renewed during the back-fill: ' + JSON.stringify(during.requests));
  assert.equal(during.requests.refresh_reuse_detected, 0);
  assert.equal(during.requests.token_refused, 0, JSON.stringify(during.log));
  assert.equal(await page.locator('.tfsp-calendly-oauth-broken').count(), 0);
  await visit(page, admin('tfsp-calendly') + '&s=' + encodeURIComponent('OAuth Backfilled'), 'oauth-backfilled-rows');
  for (const name of names) await page.locator('#the-list tr', { hasText: name }).first().waitFor();

  // Disconnect: the subscription goes first, then the grant is revoked, then the tokens here.
  await visit(page, admin('tfsp-calendly-settings'), 'oauth-before-disconnect');
  await Promise.all([page.waitForNavigation(), page.click('#tfsp-oauth-disconnect')]);
  await snap(page, 'oauth-disconnected');
  assert.match(await notices(), /Disconnected from Calendly/);
  assert.equal(await page.locator('.tfsp-calendly-mode').getAttribute('data-mode'), 'token');
  state = await fake('state');
  assert.deepEqual(state.webhook_subscriptions, [], 'the subscription was deleted');
  const after = await oauthState();
  assert.ok(after.grants.length >= 1 && after.grants.every((g) => g.revoked), 'the grant was revoked');
  assert.ok(after.requests.revoke >= 1);
  assert.deepEqual(dialogs, []);
});

test('a forged state is refused with an error page, and nothing is connected', async () => {
  const answer = await visit(page, CALLBACK + '&code=forged&state=' + 'A'.repeat(43), 'oauth-forged-state');
  assert.equal(answer.status(), 400);
  assert.match(await page.locator('body').innerText(), /Calendly was not connected/);
  assert.match(await page.locator('.tfsp-calendly-oauth-error').innerText(), /unknown or was used already/);
  await visit(page, admin('tfsp-calendly-settings'), 'oauth-after-forged');
  assert.equal(await page.locator('.tfsp-calendly-mode').getAttribute('data-mode'), 'token');
  assert.deepEqual(dialogs, []);
});
