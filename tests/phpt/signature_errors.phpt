--TEST--
Calsync\Signature: the four failed outcomes as SignatureException, and argument errors
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Signature;
use Calsync\SignatureException;

$t = 1772463845;
[$header, $body] = signed('invitee_canceled.json', $t);

function outcome(callable $f): void
{
    $e = thrown($f);
    if ($e instanceof SignatureException) {
        echo get_class($e), ' reason=', $e->reason, ' timestamp=', var_export($e->timestamp, true),
            ' code=', $e->getCode(), ' base=', $e instanceof Calsync\Exception ? 'yes' : 'no', "\n";
    } else {
        echo $e ? get_class($e) . ': ' . $e->getMessage() : 'no exception', "\n";
    }
}

echo "-- mismatch\n";
outcome(fn() => Signature::verify($header, $body, ['wrong-key'], $t));
outcome(fn() => Signature::verify($header, $body . ' ', [TEST_KEY], $t));
// One flipped bit in the body, one in the MAC.
$flipped = $body; $flipped[100] = chr(ord($flipped[100]) ^ 0x01);
outcome(fn() => Signature::verify($header, $flipped, [TEST_KEY], $t));
$h = $header; $last = strlen($h) - 1; $h[$last] = $h[$last] === '0' ? '1' : '0';
outcome(fn() => Signature::verify($h, $body, [TEST_KEY], $t));
// The timestamp is part of the MAC: a replay with a new t does not match.
outcome(fn() => Signature::verify(str_replace("t=$t", 't=' . ($t + 1), $header), $body, [TEST_KEY], $t));

echo "-- too old / too new (authentic)\n";
outcome(fn() => Signature::verify($header, $body, [TEST_KEY], $t + 181));
outcome(fn() => Signature::verify($header, $body, [TEST_KEY], $t - 181));
outcome(fn() => Signature::verify($header, $body, [TEST_KEY], $t + 11, 10));
outcome(fn() => Signature::verify($header, $body, [TEST_KEY], $t - 1, 180, 0));
// Mismatch is decided before age: a wrong MAC that is also old is a mismatch.
outcome(fn() => Signature::verify($header, $body, ['wrong-key'], $t + 10000));

echo "-- malformed\n";
$mac = substr($header, strpos($header, 'v1=') + 3);
foreach (['', ' ', "t=$t", "v1=$mac", "t=$t,v1=", "t=$t,v1=" . substr($mac, 1), "t=$t,v1={$mac}0",
          "t=$t,v1=" . str_repeat('g', 64), "t=x,v1=$mac", "t=$t,t=$t,v1=$mac", "t=$t,,v1=$mac",
          "t=$t,v0=$mac", "t=$t;v1=$mac", "t=$t,v1=$mac\x00", "\xff\xfe", 't=' . $t . ',v1=' . $mac . str_repeat(' ', 5000),
          "t=$t" . str_repeat(",v1=$mac", 17)] as $bad) {
    outcome(fn() => Signature::verify($bad, $body, [TEST_KEY], $t));
}
$e = thrown(fn() => Signature::verify('garbage', $body, [TEST_KEY], $t));
check('message says what was wrong', $e->getMessage() !== '');

echo "-- argument errors\n";
echo fails(fn() => Signature::verify($header, $body, [], $t)), "\n";
echo fails(fn() => Signature::verify($header, $body, [TEST_KEY, 42], $t)), "\n";
echo fails(fn() => Signature::verify($header, $body, [null], $t)), "\n";
echo fails(fn() => Signature::verify($header, $body, [''], $t)), "\n";
echo fails(fn() => Signature::verify($header, $body, [TEST_KEY], $t, -1)), "\n";
echo fails(fn() => Signature::verify($header, $body, [TEST_KEY], $t, 180, -1)), "\n";
echo fails(fn() => Signature::verify($header, $body, TEST_KEY, $t)), "\n";
echo fails(fn() => Signature::sign($body, '', $t)), "\n";
// A ValueError is not a Calsync\Exception: programming errors stay apart.
check('ValueError is not a Calsync\Exception', !(thrown(fn() => Signature::verify($header, $body, [], $t)) instanceof Calsync\Exception));
?>
--EXPECT--
-- mismatch
Calsync\SignatureException reason=mismatch timestamp=1772463845 code=-4 base=yes
Calsync\SignatureException reason=mismatch timestamp=1772463845 code=-4 base=yes
Calsync\SignatureException reason=mismatch timestamp=1772463845 code=-4 base=yes
Calsync\SignatureException reason=mismatch timestamp=1772463845 code=-4 base=yes
Calsync\SignatureException reason=mismatch timestamp=1772463846 code=-4 base=yes
-- too old / too new (authentic)
Calsync\SignatureException reason=too_old timestamp=1772463845 code=-5 base=yes
Calsync\SignatureException reason=too_new timestamp=1772463845 code=-6 base=yes
Calsync\SignatureException reason=too_old timestamp=1772463845 code=-5 base=yes
Calsync\SignatureException reason=too_new timestamp=1772463845 code=-6 base=yes
Calsync\SignatureException reason=mismatch timestamp=1772463845 code=-4 base=yes
-- malformed
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
Calsync\SignatureException reason=malformed timestamp=NULL code=-3 base=yes
message says what was wrong: ok
-- argument errors
ValueError: Calsync\Signature::verify(): Argument #3 ($keys) must not be empty
TypeError: Calsync\Signature::verify(): Argument #3 ($keys) must contain only strings, int given
TypeError: Calsync\Signature::verify(): Argument #3 ($keys) must contain only strings, null given
ValueError: Calsync\Signature::verify(): Argument #3 ($keys) must not contain an empty key
ValueError: Calsync\Signature::verify(): Argument #5 ($maxAge) must be greater than or equal to 0
ValueError: Calsync\Signature::verify(): Argument #6 ($maxFuture) must be greater than or equal to 0
TypeError: Calsync\Signature::verify(): Argument #3 ($keys) must be of type array, string given
ValueError: Calsync\Signature::sign(): Argument #2 ($key) must not be empty
ValueError is not a Calsync\Exception: ok
