--TEST--
Calsync\Client arguments: options validated strictly, UUIDs and queries checked before anything is sent; class shape
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';
use Calsync\Client;

// The core's own refusals: the class, and that the message leads with the
// method and names the argument (the wording is the core's).
function refused(callable $f, string $name): string
{
    $e = thrown($f);
    if ($e === null) {
        return 'no exception';
    }
    $named = str_starts_with($e->getMessage(), "Calsync\\Client::__construct(): $name ");
    return get_class($e) . ($named ? " naming $name" : ': ' . $e->getMessage());
}

// Nothing listens here: every refusal below happens before a request.
$c = new Client('http://127.0.0.1:9', FAKE_TOKEN, ['max_retries' => 0, 'connect_timeout_ms' => 1000]);

echo "-- constructor\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['retries' => 3])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, [5 => 3])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['timeout_ms' => '100'])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['max_wait_ms' => 1.5])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['ca_file' => 5])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['user_agent' => null])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['connect_timeout_ms' => 0])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['max_retries' => -1])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['ca_file' => ''])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', '')), "\n";
echo fails(fn() => new Client('', FAKE_TOKEN)), "\n";
echo fails(fn() => new Client("http://127.0.0.1:9\0.evil", FAKE_TOKEN)), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', "tok\0en")), "\n";
echo refused(fn() => new Client('ftp://127.0.0.1:9', FAKE_TOKEN), 'base_url'), "\n";
echo refused(fn() => new Client('https://api.calendly.com@evil.example', FAKE_TOKEN), 'base_url'), "\n";
echo refused(fn() => new Client('http://127.0.0.1:9', "two words"), 'token'), "\n";
echo refused(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['user_agent' => "ua\r\nX-Injected: 1"]), 'user_agent'), "\n";
$ok = new Client('https://api.calendly.com/', FAKE_TOKEN, ['connect_timeout_ms' => 100, 'timeout_ms' => 200,
    'max_retries' => 0, 'max_wait_ms' => 1, 'user_agent' => 'calsync-test/1', 'ca_file' => '/etc/ssl/certs/ca-certificates.crt']);
echo "all options accepted\n";

echo "-- UUID path parameters\n";
foreach (['', '../users/me', 'a/b', 'a?b=1', 'a%2Fb', 'a.b', "a\0b", 'é'] as $bad) {
    echo var_export($bad, true), ': ', fails(fn() => $c->scheduledEvent($bad)), "\n";
}
echo fails(fn() => $c->invitee('ok-uuid_1', 'x/y')), "\n";
echo fails(fn() => $c->invitees('x#y')), "\n";
echo fails(fn() => $c->subscription('..')), "\n";
echo fails(fn() => $c->deleteSubscription('a b')), "\n";
echo fails(fn() => $c->deleteNoShow('https://api.calendly.com/invitee_no_shows/abc')), "\n";

echo "-- queries\n";
echo fails(fn() => $c->eventTypes(['user' => ['a']])), "\n";
echo fails(fn() => $c->scheduledEvents(['user' => 'u', 'status' => new stdClass()])), "\n";
echo fails(fn() => $c->subscriptions(['organization' => 'o', 'x' => STDIN])), "\n";
echo fails(fn() => $c->invitees('e1', ['status' => ['active']])), "\n";
echo fails(fn() => $c->eventTypes(['u'])), "\n";
echo fails(fn() => $c->eventTypes(['' => 'x'])), "\n";
echo fails(fn() => $c->eventTypes(['user' => 'u', 'page_token' => 't'], 'other')), "\n";
echo fails(fn() => $c->eventTypes(['user' => 'u'], '')), "\n";

echo "-- bodies\n";
echo fails(fn() => $c->createSubscription('', ['invitee.created'], 'o', 'organization', null, 'k')), "\n";
echo fails(fn() => $c->createSubscription('http://127.0.0.1:9/h', [], 'o', 'organization', null, 'k')), "\n";
echo fails(fn() => $c->createSubscription('http://127.0.0.1:9/h', ['invitee.created', 5], 'o', 'organization', null, 'k')), "\n";
echo fails(fn() => $c->createSubscription('http://127.0.0.1:9/h', ['invitee.created'], 'o', 'organization', null, '')), "\n";
echo fails(fn() => $c->createSubscription('http://127.0.0.1:9/h', ["\xff"], 'o', 'organization', null, 'k')), "\n";
echo fails(fn() => $c->createSubscription('http://127.0.0.1:9/h', ['invitee.created'], 'o', 'organization', null, "\xc3")), "\n";
echo fails(fn() => $c->createNoShow('')), "\n";
echo fails(fn() => $c->createNoShow("\xfe")), "\n";
echo 'no request was sent: ', json_encode($c->stats()['requests']), "\n";

echo "-- class\n";
$r = new ReflectionClass(Client::class);
echo $r->getName(), ': ', $r->isFinal() ? 'final' : 'open', "\n";
$r = new ReflectionClass(Calsync\ApiException::class);
echo $r->getName(), ': ', $r->isFinal() ? 'final' : 'open', ' < ', $r->getParentClass()->getName(), "\n";
foreach (['status', 'title', 'retryAfterMs'] as $p) {
    $rp = new ReflectionProperty(Calsync\ApiException::class, $p);
    echo "ApiException::\$$p ", $rp->isReadOnly() ? 'readonly ' : '', $rp->getType(), "\n";
}
foreach ([['__construct', 'token'], ['createSubscription', 'signingKey']] as [$m, $p]) {
    foreach ((new ReflectionMethod(Client::class, $m))->getParameters() as $param) {
        if ($param->getName() === $p) {
            check("Client::$m \$$p is #[\\SensitiveParameter]", count($param->getAttributes(SensitiveParameter::class)) === 1);
        }
    }
}
echo fails(fn() => clone $c), "\n";
echo fails(fn() => serialize($c)), "\n";
echo fails(fn() => $c->extra = 1), "\n";
echo fails(fn() => (new ReflectionClass(Client::class))->newInstanceWithoutConstructor()), "\n";
// A failed second __construct() leaves the working client in place.
echo refused(fn() => $ok->__construct('ftp://x', FAKE_TOKEN), 'base_url'), "\n";
echo 'still usable: ', json_encode($ok->stats()['requests']), "\n";
?>
--EXPECT--
-- constructor
ValueError: Calsync\Client::__construct(): Argument #3 ($options) has an unknown option "retries"
ValueError: Calsync\Client::__construct(): Argument #3 ($options) must have only string keys (option names)
TypeError: Calsync\Client::__construct(): Argument #3 ($options) option "timeout_ms" must be of type int, string given
TypeError: Calsync\Client::__construct(): Argument #3 ($options) option "max_wait_ms" must be of type int, float given
TypeError: Calsync\Client::__construct(): Argument #3 ($options) option "ca_file" must be of type string, int given
TypeError: Calsync\Client::__construct(): Argument #3 ($options) option "user_agent" must be of type string, null given
ValueError: Calsync\Client::__construct(): Argument #3 ($options) option "connect_timeout_ms" must be greater than 0
ValueError: Calsync\Client::__construct(): Argument #3 ($options) option "max_retries" must be between 0 and 2147483647
ValueError: Calsync\Client::__construct(): Argument #3 ($options) option "ca_file" must be a non-empty string without null bytes
ValueError: Calsync\Client::__construct(): Argument #2 ($token) must not be empty
ValueError: Calsync\Client::__construct(): Argument #1 ($baseUrl) must not be empty
ValueError: Calsync\Client::__construct(): Argument #1 ($baseUrl) must not contain any null bytes
ValueError: Calsync\Client::__construct(): Argument #2 ($token) must not contain any null bytes
ValueError naming base_url
ValueError naming base_url
ValueError naming token
ValueError naming user_agent
all options accepted
-- UUID path parameters
'': ValueError: Calsync\Client::scheduledEvent(): Argument #1 ($uuid) must not be empty
'../users/me': ValueError: Calsync\Client::scheduledEvent(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
'a/b': ValueError: Calsync\Client::scheduledEvent(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
'a?b=1': ValueError: Calsync\Client::scheduledEvent(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
'a%2Fb': ValueError: Calsync\Client::scheduledEvent(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
'a.b': ValueError: Calsync\Client::scheduledEvent(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
'a' . "\0" . 'b': ValueError: Calsync\Client::scheduledEvent(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
'é': ValueError: Calsync\Client::scheduledEvent(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
ValueError: Calsync\Client::invitee(): Argument #2 ($inviteeUuid) must be a UUID (letters, digits, "-" and "_" only)
ValueError: Calsync\Client::invitees(): Argument #1 ($eventUuid) must be a UUID (letters, digits, "-" and "_" only)
ValueError: Calsync\Client::subscription(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
ValueError: Calsync\Client::deleteSubscription(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
ValueError: Calsync\Client::deleteNoShow(): Argument #1 ($uuid) must be a UUID (letters, digits, "-" and "_" only)
-- queries
TypeError: Calsync\Client::eventTypes(): Argument #1 ($query) must contain only scalar or null values, array given for key "user"
TypeError: Calsync\Client::scheduledEvents(): Argument #1 ($query) must contain only scalar or null values, stdClass given for key "status"
TypeError: Calsync\Client::subscriptions(): Argument #1 ($query) must contain only scalar or null values, resource given for key "x"
TypeError: Calsync\Client::invitees(): Argument #2 ($query) must contain only scalar or null values, array given for key "status"
ValueError: Calsync\Client::eventTypes(): Argument #1 ($query) must have only string keys (query parameter names)
ValueError: Calsync\Client::eventTypes(): Argument #1 ($query) must not have an empty name
ValueError: Calsync\Client::eventTypes(): Argument #1 ($query) must not hold "page_token" when a page token is given
ValueError: Calsync\Client::eventTypes(): Argument #2 ($pageToken) must not be empty (leave it out for the first page)
-- bodies
ValueError: Calsync\Client::createSubscription(): Argument #1 ($url) must not be empty
ValueError: Calsync\Client::createSubscription(): Argument #2 ($events) must not be empty
TypeError: Calsync\Client::createSubscription(): Argument #2 ($events) must contain only strings, int given
ValueError: Calsync\Client::createSubscription(): Argument #6 ($signingKey) must not be empty
ValueError: Calsync\Client::createSubscription(): Argument #2 ($events) must be valid UTF-8
ValueError: Calsync\Client::createSubscription(): Argument #6 ($signingKey) must be valid UTF-8
ValueError: Calsync\Client::createNoShow(): Argument #1 ($inviteeUri) must not be empty
ValueError: Calsync\Client::createNoShow(): Argument #1 ($inviteeUri) must be valid UTF-8
no request was sent: 0
-- class
Calsync\Client: final
Calsync\ApiException: final < Calsync\Exception
ApiException::$status readonly int
ApiException::$title readonly string
ApiException::$retryAfterMs readonly int
Client::__construct $token is #[\SensitiveParameter]: ok
Client::createSubscription $signingKey is #[\SensitiveParameter]: ok
Error: Trying to clone an uncloneable object of class Calsync\Client
Exception: Serialization of 'Calsync\Client' is not allowed
Error: Cannot create dynamic property Calsync\Client::$extra
ReflectionException: Class Calsync\Client is an internal class marked as final that cannot be instantiated without invoking its constructor
ValueError naming base_url
still usable: 0
