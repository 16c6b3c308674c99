--TEST--
Core error codes map onto one exception class each (ext/calsync_errors.c): ARGUMENT ValueError, INPUT InputException, parse PayloadException with a bare message
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\{Email, Event, InputException, PayloadException, Sealer, SealException, Signature, SignatureException, Time};

function show_class(string $label, callable $f): void
{
    $e = thrown($f);
    if ($e === null) {
        echo "$label: no exception\n";
        return;
    }
    $base = $e instanceof Calsync\Exception ? ' (a Calsync\Exception)' : '';
    echo "$label: ", get_class($e), ' code=', $e->getCode(), $base, "\n";
}

echo "-- INPUT: a value from outside\n";
show_class('e-mail that is no address', fn() => Email::normalize('no-at'));
show_class('invitee e-mail in match', fn() => Email::match('a b@c', null, []));
show_class('time out of range', fn() => Time::format(PHP_INT_MAX));
check('InputException is final and a Calsync\Exception',
    (new ReflectionClass(InputException::class))->isFinal() && is_subclass_of(InputException::class, Calsync\Exception::class));
check('InputException has no path property', !property_exists(InputException::class, 'path'));

echo "-- ARGUMENT: the caller's mistake\n";
show_class('candidate with user id 0', fn() => Email::match('a@b.c', null, [['user_id' => 0, 'email' => 'a@b.c']]));
show_class('sealer secret too short', fn() => new Sealer('short'));
show_class('negative signing timestamp', fn() => Signature::sign('{}', 'key', -1));
show_class('empty key ring', fn() => Signature::verify('t=1,v1=00', '{}', []));

echo "-- parse: PayloadException, the message is the bare reason\n";
$good = json_decode(fixture('invitee_created.json'), true);
unset($good['payload']['uri']);
$e = thrown(fn() => Event::parse(json_encode($good)));
echo get_class($e), " path='", $e->path, "' message='", $e->getMessage(), "'\n";
check('message does not repeat the path', !str_contains($e->getMessage(), 'payload.uri'));
check('the plugin\'s "path: message" names the field once',
    substr_count($e->path . ': ' . $e->getMessage(), 'payload.uri') === 1);
$e = thrown(fn() => Event::parse('{"event":"invitee.created","created_at":"2026-03-02T15:04:05Z","payload":[]}'));
echo get_class($e), " path='", $e->path, "' message='", $e->getMessage(), "'\n";
$e = thrown(fn() => Event::parse('not json'));
echo get_class($e), " code=", $e->getCode(), " path='", $e->path, "'\n";

echo "-- SIG_* and SEAL_*\n";
$e = thrown(fn() => Signature::verify('nonsense', '{}', [TEST_KEY]));
echo get_class($e), ' reason=', $e->reason, ' code=', $e->getCode(), "\n";
$e = thrown(fn() => (new Sealer(str_repeat('s', 32)))->open('cs1.nothing', 'token'));
echo get_class($e), ' reason=', $e->reason, ' code=', $e->getCode(), "\n";
?>
--EXPECTF--
-- INPUT: a value from outside
e-mail that is no address: Calsync\InputException code=-18 (a Calsync\Exception)
invitee e-mail in match: Calsync\InputException code=-18 (a Calsync\Exception)
time out of range: Calsync\InputException code=-18 (a Calsync\Exception)
InputException is final and a Calsync\Exception: ok
InputException has no path property: ok
-- ARGUMENT: the caller's mistake
candidate with user id 0: ValueError code=0
sealer secret too short: ValueError code=0
negative signing timestamp: ValueError code=0
empty key ring: ValueError code=0
-- parse: PayloadException, the message is the bare reason
Calsync\PayloadException path='payload.uri' message='missing'
message does not repeat the path: ok
the plugin's "path: message" names the field once: ok
Calsync\PayloadException path='payload' message='expected object, got array'
Calsync\PayloadException code=-7 path=''
-- SIG_* and SEAL_*
Calsync\SignatureException reason=malformed code=-3
Calsync\SealException reason=format code=-10
