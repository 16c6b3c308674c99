--TEST--
Calsync\Client proxy options: environment proxies ignored, the given proxy carries the request (with Proxy-Authorization), noproxy bypasses it, proxy_userpwd never shown
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';
use Calsync\Client;

// A dead proxy in every environment variable libcurl would read.
foreach (['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'] as $v) {
    putenv("$v=http://127.0.0.1:1");
}
putenv('no_proxy');
putenv('NO_PROXY');

$origin = new CannedServer([[200, '{"resource":{"uri":"u1"}}', []], [200, '{"resource":{"uri":"u3"}}', []]]);
$c = new Client($origin->url, FAKE_TOKEN, ['max_retries' => 0, 'connect_timeout_ms' => 2000]);
echo 'environment ignored: ', $c->currentUser()['uri'], ' via ', $origin->received()['request'], "\n";

// The canned server plays the forward proxy; nothing listens at the base.
$proxy = new CannedServer([[200, '{"resource":{"uri":"u2"}}', []]]);
$p = new Client('http://127.0.0.1:9', FAKE_TOKEN, ['max_retries' => 0, 'proxy' => $proxy->url,
    'proxy_userpwd' => 'ann:s3cr:t']);
echo 'through the proxy: ', $p->currentUser()['uri'], "\n";
$got = $proxy->received();
echo '  ', $got['request'], "\n";
check('Proxy-Authorization is Basic ann:s3cr:t', ($got['headers']['proxy-authorization'] ?? '') === 'Basic ' . base64_encode('ann:s3cr:t'));
check('the bearer token still goes to the API', $got['headers']['authorization'] === 'Bearer ' . FAKE_TOKEN);

// noproxy: the origin is reached directly although a (dead) proxy is given.
$n = new Client($origin->url, FAKE_TOKEN, ['max_retries' => 0, 'proxy' => 'http://127.0.0.1:1',
    'noproxy' => '127.0.0.1', 'proxy_userpwd' => 'ann:s3cr:t']);
echo 'noproxy: ', $n->currentUser()['uri'], ' via ', $origin->received()['request'], "\n";

// "" and null mean none.
$none = new Client($origin->url, FAKE_TOKEN, ['proxy' => '', 'noproxy' => null, 'proxy_userpwd' => '']);
echo "empty proxy options accepted\n";

echo "-- secrets never shown\n";
ob_start();
var_dump($p);
print_r($p);
$dump = ob_get_clean();
check('var_dump/print_r show no proxy_userpwd', !str_contains($dump, 's3cr'));
$e = thrown(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['proxy_userpwd' => 'ann:s3cr:t', 'bogus' => 1]));
check('a refused option keeps the password out of the message and trace',
    $e instanceof ValueError && !str_contains($e->getMessage(), 's3cr') && !str_contains($e->getTraceAsString(), 's3cr'));
$e = thrown(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['proxy_userpwd' => 'ann:s3cr:t']));
echo get_class($e), ': ', $e->getMessage(), "\n";
$e = thrown(fn() => (new Client($origin->url, FAKE_TOKEN, ['max_retries' => 0, 'proxy' => 'http://127.0.0.1:1',
    'proxy_userpwd' => 'ann:s3cr:t']))->currentUser());
check('a dead proxy is a transport ApiException without the password',
    $e instanceof Calsync\ApiException && $e->status === 0 && !str_contains($e->getMessage(), 's3cr'));
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['proxy' => 5])), "\n";
echo fails(fn() => new Client('http://127.0.0.1:9', FAKE_TOKEN, ['proxy' => "http://p\nq"])), "\n";
foreach ((new ReflectionMethod(Client::class, '__construct'))->getParameters() as $param) {
    if ($param->getName() === 'options') {
        check('Client::__construct $options is #[\SensitiveParameter]', count($param->getAttributes(SensitiveParameter::class)) === 1);
    }
}
?>
--EXPECTF--
environment ignored: u1 via GET /users/me HTTP/1.1
through the proxy: u2
  GET http://127.0.0.1:9/users/me HTTP/1.1
Proxy-Authorization is Basic ann:s3cr:t: ok
the bearer token still goes to the API: ok
noproxy: u3 via GET /users/me HTTP/1.1
empty proxy options accepted
-- secrets never shown
var_dump/print_r show no proxy_userpwd: ok
a refused option keeps the password out of the message and trace: ok
ValueError: Calsync\Client::__construct(): proxy_userpwd is given without a proxy
a dead proxy is a transport ApiException without the password: ok
TypeError: Calsync\Client::__construct(): Argument #3 ($options) option "proxy" must be of type ?string, int given
ValueError: Calsync\Client::__construct(): proxy must be printable ASCII without spaces, at most 2048 bytes
Client::__construct $options is #[\SensitiveParameter]: ok
