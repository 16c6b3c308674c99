--TEST--
Calsync\Client secrets: the token and signing key never show in dumps, messages or traces
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';
use Calsync\Client;

$fake = new FakeCalendly();
$c = $fake->client(['user_agent' => 'calsync-phpt']);
$org = $c->currentUser()['current_organization'];
// A constant, not a variable: arrow functions would capture a variable, and
// print_r() of an exception shows the closures in its trace with their captures.
const SIGNING_KEY = 'whsec_never_printed_7d1f0a9b3c';

$seen = [];
// Every way of looking at the object.
ob_start();
var_dump($c);
print_r($c);
echo "\n";
var_export($c);
debug_zval_dump($c);
echo json_encode($c), json_encode((array)$c), json_encode(get_object_vars($c)), "\n";
$seen['dumps'] = ob_get_clean();
echo $seen['dumps'];

// Exceptions: a 401 after revocation, a refused argument, a transport error,
// a 409 from createSubscription (the signing key is an argument there).
$t = $fake->control('POST', 'tokens', ['token' => 'tok_revoked_secret_55aa33', 'role' => 'owner'])['token'];
$r = $fake->client([], $t);
$fake->control('POST', 'tokens/revoke', ['token' => $t]);
$c->createSubscription('http://127.0.0.1:9/hook', ['invitee.created'], $org, 'organization', null, SIGNING_KEY);
$probe = stream_socket_server('tcp://127.0.0.1:0');
$closed = 'http://' . stream_socket_get_name($probe, false);
fclose($probe);
$throwers = [
    '401' => fn() => $r->currentUser(),
    'bad token' => fn() => new Client($fake->url, "tok_revoked_secret_55aa33 spaced"),
    'bad base' => fn() => new Client('ftp://x', 'tok_revoked_secret_55aa33'),
    'transport' => fn() => (new Client($closed, 'tok_revoked_secret_55aa33', ['max_retries' => 0]))->currentUser(),
    '409' => fn() => $c->createSubscription('http://127.0.0.1:9/hook', ['invitee.created'], $org, 'organization', null, SIGNING_KEY),
    'bad utf-8 key' => fn() => $c->createSubscription('http://127.0.0.1:9/h2', ['invitee.created'], $org, 'organization', null, SIGNING_KEY . "\xff"),
];
foreach ($throwers as $label => $f) {
    $e = thrown($f);
    echo $label, ': ', get_class($e), "\n";
    $seen[$label] = $e->getMessage() . "\n" . $e->getTraceAsString() . "\n" . print_r($e, true) . var_export($e->getTrace(), true);
}
$e = thrown($throwers['bad token']);
check('the trace holds a SensitiveParameterValue for $token', $e->getTrace()[0]['args'][1] instanceof SensitiveParameterValue);
$e = thrown($throwers['409']);
check('the trace holds a SensitiveParameterValue for $signingKey', $e->getTrace()[0]['args'][5] instanceof SensitiveParameterValue);

foreach ($seen as $label => $text) {
    foreach ([FAKE_TOKEN, 'tok_revoked_secret_55aa33', SIGNING_KEY] as $secret) {
        if (str_contains($text, $secret)) {
            echo "LEAK in $label\n";
        }
    }
}
echo "checked ", count($seen), " outputs\n";
?>
--EXPECTF--
object(Calsync\Client)#%d (0) {
}
Calsync\Client Object
(
)

\Calsync\Client::__set_state(array(
))object(Calsync\Client)#%d (0) refcount(%d){
}
{}[][]
401: Calsync\ApiException
bad token: ValueError
bad base: ValueError
transport: Calsync\ApiException
409: Calsync\ApiException
bad utf-8 key: ValueError
the trace holds a SensitiveParameterValue for $token: ok
the trace holds a SensitiveParameterValue for $signingKey: ok
checked 7 outputs
