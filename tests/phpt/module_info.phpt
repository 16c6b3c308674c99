--TEST--
calsync module: version, phpinfo() rows, class shapes, #[\SensitiveParameter]
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';

var_dump(extension_loaded('calsync'));
check('the extension version is the one in VERSION',
    phpversion('calsync') === trim((string)file_get_contents(__DIR__ . '/../../VERSION')));

ob_start();
phpinfo(INFO_MODULES);
$info = ob_get_clean();
foreach (['calsync version', 'jansson version', 'libcurl version', 'OpenSSL version'] as $row) {
    check("phpinfo row '$row' has a version", (bool)preg_match('/^' . $row . ' => \d+\.\d+(\.\d+)?/m', $info));
}
check('phpinfo calsync version is the extension version',
    str_contains($info, 'calsync version => ' . phpversion('calsync')));

$classes = ['Time', 'Signature', 'Event', 'ScheduledEvent', 'State', 'Email', 'Sealer',
    'SignatureException', 'PayloadException', 'SealException', 'StateException'];
foreach ($classes as $c) {
    $r = new ReflectionClass("Calsync\\$c");
    echo $r->getName(), ': ', $r->isFinal() ? 'final' : 'open',
        str_ends_with($c, 'Exception') ? ' < ' . $r->getParentClass()->getName() : '', "\n";
}
echo 'Calsync\Exception < ', get_parent_class(Calsync\Exception::class), "\n";

// Readonly exception properties.
foreach ([['SignatureException', 'reason'], ['SignatureException', 'timestamp'],
          ['PayloadException', 'path'], ['SealException', 'reason']] as [$c, $p]) {
    $rp = new ReflectionProperty("Calsync\\$c", $p);
    echo "$c::\$$p ", $rp->isReadOnly() ? 'readonly ' : '', $rp->getType(), "\n";
}

// Key and token parameters are redacted from stack traces.
foreach ([['Signature', 'verify', 'keys'], ['Signature', 'sign', 'key'],
          ['Sealer', '__construct', 'secret'], ['Sealer', 'seal', 'plain']] as [$c, $m, $p]) {
    $sensitive = false;
    foreach ((new ReflectionMethod("Calsync\\$c", $m))->getParameters() as $param) {
        if ($param->getName() === $p) {
            $sensitive = count($param->getAttributes(SensitiveParameter::class)) === 1;
        }
    }
    check("$c::$m \$$p is #[\\SensitiveParameter]", $sensitive);
}
$e = thrown(fn() => Calsync\Signature::verify('t=1,v1=' . str_repeat('0', 64), 'b', ['the-secret-key'], 1));
check('trace of a failed verify hides the key', !str_contains($e->getTraceAsString(), 'the-secret-key')
    && $e->getTrace()[0]['args'][2] instanceof SensitiveParameterValue);
$e = thrown(fn() => new Calsync\Sealer('short-secret'));
check('trace of a refused Sealer hides the secret', !str_contains($e->getTraceAsString(), 'short-secret'));

// Objects that wrap core handles: no clone, no serialize, no dynamic properties.
$ev = Calsync\Event::parse(fixture('invitee_created.json'));
echo fails(fn() => clone $ev), "\n";
echo fails(fn() => serialize($ev)), "\n";
echo fails(fn() => $ev->extra = 1), "\n";
$s = new Calsync\Sealer(str_repeat('k', 32));
echo fails(fn() => clone $s), "\n";
echo fails(fn() => serialize($s)), "\n";
echo fails(fn() => new Calsync\Event()), "\n";
echo fails(fn() => (new ReflectionClass(Calsync\Event::class))->newInstanceWithoutConstructor()), "\n";
?>
--EXPECT--
bool(true)
the extension version is the one in VERSION: ok
phpinfo row 'calsync version' has a version: ok
phpinfo row 'jansson version' has a version: ok
phpinfo row 'libcurl version' has a version: ok
phpinfo row 'OpenSSL version' has a version: ok
phpinfo calsync version is the extension version: ok
Calsync\Time: final
Calsync\Signature: final
Calsync\Event: final
Calsync\ScheduledEvent: final
Calsync\State: final
Calsync\Email: final
Calsync\Sealer: final
Calsync\SignatureException: final < Calsync\Exception
Calsync\PayloadException: final < Calsync\Exception
Calsync\SealException: final < Calsync\Exception
Calsync\StateException: final < Calsync\Exception
Calsync\Exception < Exception
SignatureException::$reason readonly string
SignatureException::$timestamp readonly ?int
PayloadException::$path readonly string
SealException::$reason readonly string
Signature::verify $keys is #[\SensitiveParameter]: ok
Signature::sign $key is #[\SensitiveParameter]: ok
Sealer::__construct $secret is #[\SensitiveParameter]: ok
Sealer::seal $plain is #[\SensitiveParameter]: ok
trace of a failed verify hides the key: ok
trace of a refused Sealer hides the secret: ok
Error: Trying to clone an uncloneable object of class Calsync\Event
Exception: Serialization of 'Calsync\Event' is not allowed
Error: Cannot create dynamic property Calsync\Event::$extra
Error: Trying to clone an uncloneable object of class Calsync\Sealer
Exception: Serialization of 'Calsync\Sealer' is not allowed
Error: Call to private Calsync\Event::__construct() from global scope
ReflectionException: Class Calsync\Event is an internal class marked as final that cannot be instantiated without invoking its constructor
