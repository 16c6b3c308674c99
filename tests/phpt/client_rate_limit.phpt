--TEST--
Calsync\Client rate limits: 429 waited out with and without Retry-After, a wait over max_wait_ms thrown with retryAfterMs
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';
use Calsync\ApiException;

$fake = new FakeCalendly();

// Without Retry-After: one request per 2 s window.  A spends the window;
// B, which has not seen the headers, gets a 429, waits X-RateLimit-Reset
// and succeeds.
$fake->switches(['rate_limit' => 1, 'rate_window_seconds' => 2, 'retry_after_on_429' => false]);
$a = $fake->client();
$a->currentUser();
$rl = $a->stats()['rate_limit'];
echo 'after one call: limit=', $rl['limit'], ' remaining=', $rl['remaining'], ' reset_in_ms ',
    $rl['reset_in_ms'] > 0 && $rl['reset_in_ms'] <= 2000 ? 'in (0, 2000]' : 'WRONG ' . $rl['reset_in_ms'], "\n";
$b = $fake->client();
echo 'B: ', $b->currentUser()['name'], "\n";
$s = $b->stats();
echo "B stats: requests={$s['requests']} retries={$s['retries']} throttled={$s['throttled']} slept ",
    $s['slept_ms'] >= 500 ? '>= 500 ms' : 'WRONG ' . $s['slept_ms'], "\n";

// With Retry-After (the switch; a new limit starts fresh windows).
$fake->switches(['rate_limit' => 1, 'rate_window_seconds' => 2, 'retry_after_on_429' => true]);
$a2 = $fake->client();
$a2->currentUser();
$b2 = $fake->client();
echo 'B2: ', $b2->currentUser()['name'], "\n";
$s = $b2->stats();
echo "B2 stats: retries={$s['retries']} throttled={$s['throttled']} slept ", $s['slept_ms'] >= 500 ? '>= 500 ms' : 'WRONG', "\n";

// A wait longer than max_wait_ms: thrown as a 429 with the wait.
$fake->switches(['rate_limit' => 1, 'rate_window_seconds' => 60, 'retry_after_on_429' => false]);
$e1 = $fake->client();
$e1->currentUser();
$f = $fake->client(['max_wait_ms' => 200]);
$e = thrown(fn() => $f->currentUser());
echo 'over max_wait_ms: ', $e instanceof ApiException ? "status={$e->status} title='{$e->title}' code={$e->getCode()}" : 'WRONG',
    ' retryAfterMs ', $e->retryAfterMs > 50000 && $e->retryAfterMs <= 60000 ? 'about 60 s' : 'WRONG ' . $e->retryAfterMs, "\n";
$s = $f->stats();
echo "F stats: requests={$s['requests']} retries={$s['retries']} throttled={$s['throttled']} slept_ms={$s['slept_ms']}\n";
// E1 knows the window is spent: it refuses before sending anything.
$e = thrown(fn() => $e1->currentUser());
echo 'spent window: ', $e instanceof ApiException ? "status={$e->status} code={$e->getCode()}" : 'WRONG',
    ' retryAfterMs ', $e->retryAfterMs > 50000 ? 'about 60 s' : 'WRONG', ' requests=', $e1->stats()['requests'], "\n";
$fake->switches(['rate_limit' => 500, 'rate_window_seconds' => 60]);

// Retry-After wins over X-RateLimit-Reset; a bare 429 is retried after a guess.
$me = '{"resource":{"uri":"https://api.calendly.com/users/u1","name":"Canned"}}';
$too_many = '{"title":"Too Many Requests","message":"slow down"}';
$srv = new CannedServer([
    [429, $too_many, ['Retry-After: 1', 'X-RateLimit-Reset: 100']],
    [200, $me, []],
    [429, $too_many, []],
    [200, $me, []],
]);
$g = new Calsync\Client($srv->url, FAKE_TOKEN, ['max_wait_ms' => 3000]);
echo 'Retry-After: ', $g->currentUser()['name'], "\n";
echo 'bare 429: ', $g->currentUser()['name'], "\n";
$s = $g->stats();
echo "G stats: requests={$s['requests']} retries={$s['retries']} throttled={$s['throttled']} slept ",
    $s['slept_ms'] >= 1500 && $s['slept_ms'] < 3000 ? 'about 2 s' : 'WRONG ' . $s['slept_ms'], "\n";
?>
--EXPECT--
after one call: limit=1 remaining=0 reset_in_ms in (0, 2000]
B: Coach Lee
B stats: requests=2 retries=1 throttled=1 slept >= 500 ms
B2: Coach Lee
B2 stats: retries=1 throttled=1 slept >= 500 ms
over max_wait_ms: status=429 title='Too Many Requests' code=-16 retryAfterMs about 60 s
F stats: requests=1 retries=0 throttled=1 slept_ms=0
spent window: status=429 code=-16 retryAfterMs about 60 s requests=1
Retry-After: Canned
bare 429: Canned
G stats: requests=4 retries=2 throttled=2 slept about 2 s
