--TEST--
Calsync\Sealer: seal/open round trips, context binding, and the three ways a value fails to open
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\SealException;
use Calsync\Sealer;

$s = new Sealer('wp-config-constant-0123456789abcdef');
$token = 'eyJraWQiOiIxY2UxZTEzNjE3ZGNmNzY2YjNjZWJjY2Y4ZGM1YmFmYThhNjVlNjg0MDIzZjdjMzJiZTgzNDliMjM4MDEzNWI0';

$sealed = $s->seal($token, 'token');
check('versioned, self-describing format', (bool)preg_match('/^cs1\.[0-9a-f]{8}\.[A-Za-z0-9_-]+$/', $sealed));
check('carries the key id', substr($sealed, 4, 8) === $s->keyId());
check('opens', $s->open($sealed, 'token') === $token);
check('random nonce: sealing twice differs', $s->seal($token, 'token') !== $sealed);
check('key id is stable', (new Sealer('wp-config-constant-0123456789abcdef'))->keyId() === $s->keyId());
check('another secret, another key id', (new Sealer('wp-config-constant-0123456789abcdeF'))->keyId() !== $s->keyId());
check('a fresh Sealer from the same secret opens it', (new Sealer('wp-config-constant-0123456789abcdef'))->open($sealed, 'token') === $token);

foreach (['empty' => '', 'binary' => "\0\xff\x00\x80", 'one byte' => 'x', '64 KiB' => str_repeat("\xab", 65536)] as $what => $plain) {
    check("$what plaintext round-trips", $s->open($s->seal($plain, 'ctx'), 'ctx') === $plain);
}
check('binary context', $s->open($s->seal('v', "\0ctx\xff"), "\0ctx\xff") === 'v');
check('16-byte secret is enough', strlen((new Sealer(str_repeat("\0", 16)))->keyId()) === 8);

function reason(callable $f): string
{
    $e = thrown($f);
    return $e instanceof SealException ? "SealException reason={$e->reason} code={$e->getCode()}" . ($e instanceof Calsync\Exception ? '' : ' (not a Calsync\Exception)')
        : ($e ? get_class($e) . ': ' . $e->getMessage() : 'no exception');
}

echo "-- does not open\n";
echo 'other context: ', reason(fn() => $s->open($sealed, 'signing_key')), "\n";
echo 'other key: ', reason(fn() => (new Sealer('salts-rotated-0123456789abcdef'))->open($sealed, 'token')), "\n";
$flip = function (string $v, int $pos): string { $v[$pos] = $v[$pos] === 'A' ? 'B' : 'A'; return $v; };
echo 'altered data: ', reason(fn() => $s->open($flip($sealed, 20), 'token')), "\n";
echo 'altered tag: ', reason(fn() => $s->open($flip($sealed, strlen($sealed) - 2), 'token')), "\n";
echo 'truncated: ', reason(fn() => $s->open(substr($sealed, 0, 30), 'token')), "\n";
echo 'empty: ', reason(fn() => $s->open('', 'token')), "\n";
echo 'plain text: ', reason(fn() => $s->open($token, 'token')), "\n";
echo 'unknown version: ', reason(fn() => $s->open('cs2' . substr($sealed, 3), 'token')), "\n";
echo 'bad base64: ', reason(fn() => $s->open(substr($sealed, 0, 13) . '!!!!' . substr($sealed, 17), 'token')), "\n";
echo 'binary: ', reason(fn() => $s->open("\0\xff", 'token')), "\n";
echo 'huge: ', reason(fn() => $s->open('cs1.' . $s->keyId() . '.' . str_repeat('A', 1 << 20), 'token')), "\n";

echo "-- argument errors\n";
echo fails(fn() => new Sealer('')), "\n";
echo fails(fn() => new Sealer(str_repeat('x', 15))), "\n";
echo fails(fn() => $s->seal(str_repeat('x', 65537), 'ctx')), "\n";
?>
--EXPECT--
versioned, self-describing format: ok
carries the key id: ok
opens: ok
random nonce: sealing twice differs: ok
key id is stable: ok
another secret, another key id: ok
a fresh Sealer from the same secret opens it: ok
empty plaintext round-trips: ok
binary plaintext round-trips: ok
one byte plaintext round-trips: ok
64 KiB plaintext round-trips: ok
binary context: ok
16-byte secret is enough: ok
-- does not open
other context: SealException reason=auth code=-12
other key: SealException reason=key code=-11
altered data: SealException reason=auth code=-12
altered tag: SealException reason=auth code=-12
truncated: SealException reason=format code=-10
empty: SealException reason=format code=-10
plain text: SealException reason=format code=-10
unknown version: SealException reason=format code=-10
bad base64: SealException reason=format code=-10
binary: SealException reason=format code=-10
huge: SealException reason=format code=-10
-- argument errors
ValueError: Calsync\Sealer::__construct(): Argument #1 ($secret) must be at least 16 bytes long
ValueError: Calsync\Sealer::__construct(): Argument #1 ($secret) must be at least 16 bytes long
ValueError: Calsync\Sealer::seal(): Argument #1 ($plain) must be at most 65536 bytes long
