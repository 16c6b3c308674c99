--TEST--
Calsync\AuthClient: form bodies, HTTP Basic client authentication, code exchange, refresh, revoke, OAuth errors as ApiException
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';
use Calsync\AuthClient;

$srv = new CannedServer([
    [200, '{"access_token":"acc1","refresh_token":"ref1","token_type":"Bearer","expires_in":7200,"created_at":1772463845,"scope":"default","owner":"https://api.calendly.com/users/U1","organization":"https://api.calendly.com/organizations/O1"}', []],
    [200, '{"access_token":"acc2","refresh_token":"ref2","expires_in":"7200"}', []],
    [400, '{"error":"invalid_grant","error_description":"The provided authorization grant is invalid"}', []],
    [200, '{}', []],
]);
$a = new AuthClient($srv->url, 'cid-1', 'sec/+ret', ['max_retries' => 0]);

$t = $a->exchangeCode('co de&1', 'https://site.example/wp-admin/?page=x&y=1', 'verif-1');
var_dump($t);
$got = $srv->received();
echo $got['request'], "\n", $got['body'], "\n";
check('form content type', $got['headers']['content-type'] === 'application/x-www-form-urlencoded');
check('HTTP Basic with the form-encoded id and secret', $got['headers']['authorization'] === 'Basic ' . base64_encode('cid-1:' . rawurlencode('sec/+ret')));
parse_str($got['body'], $form);
check('the form decodes to the arguments', $form === ['grant_type' => 'authorization_code', 'code' => 'co de&1',
    'redirect_uri' => 'https://site.example/wp-admin/?page=x&y=1', 'code_verifier' => 'verif-1']);

$t = $a->refresh('ref1');
echo json_encode($t), "\n";
$got = $srv->received();
echo $got['body'], "\n";

$e = thrown(fn() => $a->refresh('ref1'));
echo get_class($e), " status={$e->status} title={$e->title} code={$e->getCode()} message={$e->getMessage()}\n";
$srv->received();

var_dump($a->revoke('acc2'));
$got = $srv->received();
echo $got['request'], "\n", $got['body'], "\n";

echo "-- arguments\n";
echo fails(fn() => $a->refresh('')), "\n";
echo fails(fn() => $a->exchangeCode('c', "\xff")), "\n";
echo fails(fn() => $a->revoke('')), "\n";
echo fails(fn() => new AuthClient($srv->url, '', 'x')), "\n";
echo fails(fn() => new AuthClient($srv->url, 'id', '')), "\n";
echo fails(fn() => new AuthClient($srv->url, 'id', 'x', ['nope' => 1])), "\n";
echo fails(fn() => new AuthClient('http://example.org', 'id', 'x')), "\n";
ob_start();
var_dump($a);
check('var_dump shows no secret', !str_contains(ob_get_clean(), 'sec/'));
foreach ([['__construct', 'clientSecret'], ['__construct', 'options'], ['exchangeCode', 'code'],
          ['refresh', 'refreshToken'], ['revoke', 'token']] as [$m, $p]) {
    foreach ((new ReflectionMethod(AuthClient::class, $m))->getParameters() as $param) {
        if ($param->getName() === $p) {
            check("AuthClient::$m \$$p is #[\\SensitiveParameter]", count($param->getAttributes(SensitiveParameter::class)) === 1);
        }
    }
}
echo fails(fn() => clone $a), "\n";
echo fails(fn() => serialize($a)), "\n";
check('AuthClient is final', (new ReflectionClass(AuthClient::class))->isFinal());
?>
--EXPECTF--
array(8) {
  ["access_token"]=>
  string(4) "acc1"
  ["refresh_token"]=>
  string(4) "ref1"
  ["token_type"]=>
  string(6) "Bearer"
  ["expires_in"]=>
  int(7200)
  ["created_at"]=>
  int(1772463845)
  ["scope"]=>
  string(7) "default"
  ["owner"]=>
  string(33) "https://api.calendly.com/users/U1"
  ["organization"]=>
  string(41) "https://api.calendly.com/organizations/O1"
}
POST /oauth/token HTTP/1.1
grant_type=authorization_code&code=co%20de%261&redirect_uri=https%3A%2F%2Fsite.example%2Fwp-admin%2F%3Fpage%3Dx%26y%3D1&code_verifier=verif-1
form content type: ok
HTTP Basic with the form-encoded id and secret: ok
the form decodes to the arguments: ok
{"access_token":"acc2","refresh_token":"ref2","token_type":null,"expires_in":7200,"created_at":null,"scope":null,"owner":null,"organization":null}
grant_type=refresh_token&refresh_token=ref1
Calsync\ApiException status=400 title=invalid_grant code=-16 message=invalid_grant: The provided authorization grant is invalid
NULL
POST /oauth/revoke HTTP/1.1
client_id=cid-1&client_secret=sec%2F%2Bret&token=acc2
-- arguments
ValueError: Calsync\AuthClient::refresh(): Argument #1 ($refreshToken) must not be empty
ValueError: Calsync\AuthClient::exchangeCode(): Argument #2 ($redirectUri) must be valid UTF-8
ValueError: Calsync\AuthClient::revoke(): Argument #1 ($token) must not be empty
ValueError: Calsync\AuthClient::__construct(): Argument #2 ($clientId) must not be empty
ValueError: Calsync\AuthClient::__construct(): Argument #3 ($clientSecret) must not be empty
ValueError: Calsync\AuthClient::__construct(): Argument #4 ($options) has an unknown option "nope"
ValueError: Calsync\AuthClient::__construct(): base_url must use https:// (http:// only for 127.0.0.1, [::1] or localhost: the token must not travel in clear text)
var_dump shows no secret: ok
AuthClient::__construct $clientSecret is #[\SensitiveParameter]: ok
AuthClient::__construct $options is #[\SensitiveParameter]: ok
AuthClient::exchangeCode $code is #[\SensitiveParameter]: ok
AuthClient::refresh $refreshToken is #[\SensitiveParameter]: ok
AuthClient::revoke $token is #[\SensitiveParameter]: ok
Error: Trying to clone an uncloneable object of class Calsync\AuthClient
Exception: Serialization of 'Calsync\AuthClient' is not allowed
AuthClient is final: ok
