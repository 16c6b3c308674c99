--TEST--
Calsync\Signature::verify() and sign(): authentic bodies, key rings, tolerance edges, large and binary bodies
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Signature;

$t = 1772463845;
[$header, $body] = signed('invitee_created.json', $t);

// sign() agrees with PHP's own HMAC, byte for byte.
check('sign() equals hash_hmac over t.body', Signature::sign($body, TEST_KEY, $t) === $header);
var_dump(Signature::verify($header, $body, [TEST_KEY], $t));

// Key rotation: the matching key's position is reported.
var_dump(Signature::verify($header, $body, ['previous-key', TEST_KEY], $t)['key_index']);
var_dump(Signature::verify($header, $body, ['current' => TEST_KEY, 'old' => 'x'], $t)['key_index']);

// Several v1 values, whitespace around items and '=': any match is enough.
$mac = substr($header, strpos($header, 'v1=') + 3);
$other = str_repeat('ab', 32);
var_dump(Signature::verify(" t = $t , v1=$other , v1 = $mac ", $body, [TEST_KEY], $t)['timestamp']);

// Tolerance edges are inclusive, in both directions.
var_dump(Signature::verify($header, $body, [TEST_KEY], $t + 180)['timestamp']);
var_dump(Signature::verify($header, $body, [TEST_KEY], $t - 180)['timestamp']);
var_dump(Signature::verify($header, $body, [TEST_KEY], $t + 10, 10, 0)['timestamp']);
var_dump(Signature::verify($header, $body, [TEST_KEY], $t, 0, 0)['timestamp']);

// $now defaults to the clock.
$now = time();
$fresh = Signature::sign($body, TEST_KEY, $now);
var_dump(Signature::verify($fresh, $body, [TEST_KEY])['timestamp'] === $now);

// Empty body, binary body with NUL bytes, a 4 MiB body.
foreach (['empty' => '', 'binary' => "\x00\xff\x00body\x80\n", 'large' => str_repeat("x\x00y", 1398102)] as $what => $b) {
    $h = Signature::sign($b, TEST_KEY, $t);
    check("$what body verifies", Signature::verify($h, $b, [TEST_KEY], $t)['timestamp'] === $t);
    check("$what body matches hash_hmac", $h === "t=$t,v1=" . hash_hmac('sha256', "$t.$b", TEST_KEY));
}

// Binary keys are used as plain bytes.
$key = "\x00\x01\xfe\xff";
$h = Signature::sign($body, $key, $t);
check('binary key', $h === "t=$t,v1=" . hash_hmac('sha256', "$t.$body", $key));
check('binary key verifies', Signature::verify($h, $body, [$key], $t)['key_index'] === 0);

// A ring of more keys than fit on the stack.
$ring = array_map(fn($i) => "key-$i", range(0, 9));
$ring[] = TEST_KEY;
var_dump(Signature::verify($header, $body, $ring, $t)['key_index']);

// Uppercase hex from a sender is accepted as hex.
var_dump(Signature::verify(strtoupper(substr($header, 0, 0)) . "t=$t,v1=" . strtoupper($mac), $body, [TEST_KEY], $t)['key_index']);
?>
--EXPECT--
sign() equals hash_hmac over t.body: ok
array(2) {
  ["timestamp"]=>
  int(1772463845)
  ["key_index"]=>
  int(0)
}
int(1)
int(0)
int(1772463845)
int(1772463845)
int(1772463845)
int(1772463845)
int(1772463845)
bool(true)
empty body verifies: ok
empty body matches hash_hmac: ok
binary body verifies: ok
binary body matches hash_hmac: ok
large body verifies: ok
large body matches hash_hmac: ok
binary key: ok
binary key verifies: ok
int(10)
int(0)
