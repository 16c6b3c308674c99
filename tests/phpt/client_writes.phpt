--TEST--
Calsync\Client writes: webhook subscriptions (create, list, get, delete, 409, 403 plan gate) and no-shows
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';

$fake = new FakeCalendly();
$c = $fake->client();
$me = $c->currentUser();
$org = $me['current_organization'];
$user = $me['uri'];
$events = ['invitee.created', 'invitee.canceled', 'invitee_no_show.created', 'invitee_no_show.deleted'];
$key = 'whsec_phpt_signing_key_"quoted"\\/é';

// Create: the body carries every argument, escaped (the fake stores the key as sent).
$sub = $c->createSubscription('http://127.0.0.1:9/hook', $events, $org, 'organization', null, $key);
echo 'created: ', $sub['state'], ' ', $sub['scope'], ' ', $sub['callback_url'], ' ', implode(',', $sub['events']), "\n";
$uuid = basename($sub['uri']);
$stored = array_values(array_filter($fake->control('GET', 'state')['webhook_subscriptions'],
    fn($s) => $s['uri'] === $sub['uri']));
check('signing key arrived intact', ($stored[0]['signing_key'] ?? null) === $key);
check('user omitted for organization scope', $sub['user'] === null);

// The same URL again: 409.
echo '409: ', api_error(fn() => $c->createSubscription('http://127.0.0.1:9/hook', $events, $org, 'organization', null, $key)), "\n";
$e = thrown(fn() => $c->createSubscription('http://127.0.0.1:9/hook', $events, $org, 'organization', null, $key));
check('409 keeps its code and is a Calsync\Exception', $e->getCode() === -16 && $e instanceof Calsync\Exception && $e->retryAfterMs === 0);

// A user-scoped one, then the list (one per page) and a single get.
$sub2 = $c->createSubscription('http://127.0.0.1:9/user-hook', ['invitee.created'], $org, 'user', $user, 'k2-key-1234567890');
echo 'user scope: ', $sub2['scope'], ' user=', $sub2['user'] === $user ? 'me' : 'WRONG', "\n";
$all = all_pages(fn(?string $t) => $c->subscriptions(['organization' => $org, 'scope' => 'organization', 'count' => 1], $t), $pages);
echo "organization subscriptions: ", count($all), " in $pages page(s): ", $all[0]['callback_url'], "\n";
$mine = $c->subscriptions(['organization' => $org, 'scope' => 'user', 'user' => $user]);
echo 'user subscriptions: ', count($mine['items']), ' ', $mine['items'][0]['callback_url'], "\n";
$got = $c->subscription($uuid);
echo 'get: ', $got['uri'] === $sub['uri'] ? 'same' : 'WRONG', ' state=', $got['state'], ' retry_started_at=', var_export($got['retry_started_at'], true), "\n";

// Delete (204, void), then 404 for the gone one.
var_dump($c->deleteSubscription($uuid));
echo 'get deleted: ', api_error(fn() => $c->subscription($uuid)), "\n";
echo 'delete again: ', api_error(fn() => $c->deleteSubscription($uuid)), "\n";
$c->deleteSubscription(basename($sub2['uri']));
echo 'left: ', count($c->subscriptions(['organization' => $org, 'scope' => 'organization'])['items']), "\n";

// The plan gate: 403.
$fake->switches(['webhooks_plan_gate' => true]);
echo '403: ', api_error(fn() => $c->createSubscription('http://127.0.0.1:9/other', $events, $org, 'organization', null, $key)), "\n";
$fake->switches(['webhooks_plan_gate' => false]);

// A 400 names the parameter (a non-loopback callback).
$e = thrown(fn() => $c->createSubscription('https://example.com/hook', $events, $org, 'organization', null, $key));
echo '400: ', $e->status, ' ', $e->title, ' message names url: ', str_contains($e->getMessage(), 'url') ? 'yes' : 'no', "\n";

// No-shows: create, then delete by the no-show's UUID.
$b = $fake->book(['email' => 'ns@example.edu', 'start_time' => '2031-05-01T15:00:00Z']);
$ns = $c->createNoShow($b['invitee_uri']);
echo 'no-show: ', $ns['invitee'] === $b['invitee_uri'] ? 'for that invitee' : 'WRONG', ' created_at=', is_string($ns['created_at']) ? 'string' : 'WRONG', "\n";
$inv = $c->invitee($b['event_uuid'], $b['invitee_uuid'])->toArray();
echo 'invitee no_show uri matches: ', ($inv['no_show']['uri'] ?? null) === $ns['uri'] ? 'yes' : 'no', "\n";
echo 'second no-show: ', api_error(fn() => $c->createNoShow($b['invitee_uri'])), "\n";
var_dump($c->deleteNoShow(basename($ns['uri'])));
echo 'after delete: ', var_export($c->invitee($b['event_uuid'], $b['invitee_uuid'])->toArray()['no_show'], true), "\n";
echo 'delete again: ', api_error(fn() => $c->deleteNoShow(basename($ns['uri']))), "\n";
echo 'not an invitee URI: ', api_error(fn() => $c->createNoShow('https://api.calendly.com/users/x')), "\n";
?>
--EXPECT--
created: active organization http://127.0.0.1:9/hook invitee.created,invitee.canceled,invitee_no_show.created,invitee_no_show.deleted
signing key arrived intact: ok
user omitted for organization scope: ok
409: ApiException status=409 title='Already Exists' code=-16
409 keeps its code and is a Calsync\Exception: ok
user scope: user user=me
organization subscriptions: 1 in 1 page(s): http://127.0.0.1:9/hook
user subscriptions: 1 http://127.0.0.1:9/user-hook
get: same state=active retry_started_at=NULL
NULL
get deleted: ApiException status=404 title='Resource Not Found' code=-16
delete again: ApiException status=404 title='Resource Not Found' code=-16
left: 0
403: ApiException status=403 title='Permission Denied' code=-16
400: 400 Invalid Argument message names url: yes
no-show: for that invitee created_at=string
invitee no_show uri matches: yes
second no-show: ApiException status=409 title='Already Exists' code=-16
NULL
after delete: NULL
delete again: ApiException status=404 title='Resource Not Found' code=-16
not an invitee URI: ApiException status=400 title='Invalid Argument' code=-16
