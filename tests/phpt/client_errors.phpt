--TEST--
Calsync\Client errors: 401 revoked token, 404, 5xx retried, transport failures as status 0
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';
use Calsync\ApiException;

$fake = new FakeCalendly();
$c = $fake->client();
$org = $c->currentUser()['current_organization'];

// 401: a token that was revoked.
$extra = $fake->control('POST', 'tokens', ['token' => 'tok_second_9c2e7a1b', 'role' => 'owner'])['token'];
$second = $fake->client([], $extra);
$second->currentUser();
$fake->control('POST', 'tokens/revoke', ['token' => $extra]);
echo '401: ', api_error(fn() => $second->currentUser()), "\n";
$e = thrown(fn() => $second->eventTypes(['organization' => $org]));
echo '401 on a list: ', $e->status, ' ', $e->title, ' retries=', $second->stats()['retries'], "\n";
check('the message carries Calendly\'s text', str_starts_with($e->getMessage(), 'Unauthenticated: '));
echo 'unknown token: ', api_error(fn() => $fake->client([], 'not-a-token')->currentUser()), "\n";

// 404: an unknown UUID, and an unknown invitee of a known event.
echo '404: ', api_error(fn() => $c->scheduledEvent('00000000-0000-0000-0000-000000000000')), "\n";
$b = $fake->book(['email' => 'x@example.edu']);
echo '404 invitee: ', api_error(fn() => $c->invitee($b['event_uuid'], 'no-such-invitee')), "\n";
echo '404 invitees: ', api_error(fn() => $c->invitees('no-such-event')), "\n";

// 5xx: every answer fails: retried max_retries times, then thrown.
$fake->switches(['fail_rate' => 1.0, 'seed' => 7]);
$f = $fake->client(['max_retries' => 2, 'max_wait_ms' => 20]);
$e = thrown(fn() => $f->currentUser());
$s = $f->stats();
echo '5xx: ', $e instanceof ApiException && in_array($e->status, [500, 503], true) ? 'ApiException 5xx' : 'WRONG',
    " requests={$s['requests']} retries={$s['retries']}\n";
// Half of the answers fail: every call still succeeds, after retries.
$fake->switches(['fail_rate' => 0.5, 'seed' => 11]);
$h = $fake->client(['max_retries' => 30, 'max_wait_ms' => 10]);
for ($i = 0; $i < 8; $i++) {
    $h->eventTypes(['organization' => $org]);
}
$s = $h->stats();
echo '5xx half: 8 calls ok, retries>0: ', $s['retries'] > 0 ? 'yes' : 'no', ', requests=calls+retries: ',
    $s['requests'] === 8 + $s['retries'] ? 'yes' : 'no', "\n";
$fake->switches(['fail_rate' => 0.0]);

// A POST is not sent twice on a 5xx (it may have been applied).
$fake->switches(['fail_rate' => 1.0]);
$p = $fake->client(['max_retries' => 3, 'max_wait_ms' => 10]);
$e = thrown(fn() => $p->createNoShow($b['invitee_uri']));
echo 'POST 5xx: ', $e->status >= 500 ? '5xx' : 'WRONG', ' retries=', $p->stats()['retries'], "\n";
$fake->switches(['fail_rate' => 0.0]);

// Transport: connections dropped without an answer, retried, then status 0.
$fake->switches(['drop_rate' => 1.0]);
$d = $fake->client(['max_retries' => 1, 'max_wait_ms' => 10]);
$e = thrown(fn() => $d->currentUser());
echo 'dropped: ', $e instanceof ApiException ? "status={$e->status} title='{$e->title}' code={$e->getCode()}" : 'WRONG',
    ' retries=', $d->stats()['retries'], "\n";
$fake->switches(['drop_rate' => 0.0]);

// Transport: a closed port.
$probe = stream_socket_server('tcp://127.0.0.1:0');
$closed = 'http://' . stream_socket_get_name($probe, false);
fclose($probe);
$x = new Calsync\Client($closed, FAKE_TOKEN, ['max_retries' => 1, 'max_wait_ms' => 10, 'connect_timeout_ms' => 2000]);
$e = thrown(fn() => $x->currentUser());
echo 'closed port: ', $e instanceof ApiException ? "status={$e->status} title='{$e->title}' code={$e->getCode()} retryAfterMs={$e->retryAfterMs}" : 'WRONG', "\n";
echo 'closed port stats: ', json_encode($x->stats()), "\n";

// Transport: an answer slower than timeout_ms.
$fake->switches(['latency_ms' => 1500]);
$t = $fake->client(['timeout_ms' => 300, 'max_retries' => 0]);
echo 'timeout: ', api_error(fn() => $t->currentUser()), "\n";
$fake->switches(['latency_ms' => 0]);
echo 'after all that: ', $c->currentUser()['name'], "\n";
?>
--EXPECTF--
401: ApiException status=401 title='Unauthenticated' code=-16
401 on a list: 401 Unauthenticated retries=0
the message carries Calendly's text: ok
unknown token: ApiException status=401 title='Unauthenticated' code=-16
404: ApiException status=404 title='Resource Not Found' code=-16
404 invitee: ApiException status=404 title='Resource Not Found' code=-16
404 invitees: ApiException status=404 title='Resource Not Found' code=-16
5xx: ApiException 5xx requests=3 retries=2
5xx half: 8 calls ok, retries>0: yes, requests=calls+retries: yes
POST 5xx: 5xx retries=0
dropped: status=0 title='' code=-17 retries=1
closed port: status=0 title='' code=-17 retryAfterMs=0
closed port stats: {"requests":2,"retries":1,"throttled":0,"slept_ms":%d,"rate_limit":{"limit":null,"remaining":null,"reset_in_ms":null}}
timeout: ApiException status=0 title='' code=-17
after all that: Coach Lee
