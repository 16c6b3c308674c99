--TEST--
Calsync\Client on the wire: query encoding, paths, JSON bodies; answers that do not parse give PayloadException with the path
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';
use Calsync\PayloadException;

$event = json_decode(fixture('rest_scheduled_event.json'), true);
$page = fn(array $items, ?string $next = null) => json_encode(['collection' => $items,
    'pagination' => ['count' => count($items), 'next_page_token' => $next]]);
$bad_event = $event['resource'];
unset($bad_event['start_time']);

$srv = new CannedServer([
    [200, $page([], 'next/+=token'), []],                  // eventTypes: the query
    [200, $page([]), []],                                  // invitees: path and page token
    [201, '{"resource":{"uri":"https://api.calendly.com/webhook_subscriptions/s1"}}', []],
    [201, '{"resource":{"uri":"https://api.calendly.com/invitee_no_shows/n1"}}', []],
    [204, '', []],                                         // deleteNoShow
    [200, 'not json', []],                                 // currentUser
    [200, '{"collection":[]}', []],                        // currentUser: no resource
    [200, '{"resource":"text"}', []],                      // subscription: resource not an object
    [200, '{"items":[]}', []],                             // scheduledEvents: no collection
    [200, $page([$event['resource'], $bad_event]), []],    // scheduledEvents: item 1 bad
    [200, $page([['uri' => 5]]), []],                      // invitees: item 0 bad
    [200, $page(['x']), []],                               // subscriptions: item not an object
    [200, '{"resource":{"uri":"x"}}', []],                 // scheduledEvent: bad resource
]);
$c = new Calsync\Client($srv->url . '/', FAKE_TOKEN);

function show(array $r): void
{
    echo '  ', $r['request'], "\n";
    if ($r['body'] !== '') {
        echo '  body: ', $r['body'], "\n";
    }
}

$r = $c->eventTypes(['organization' => 'https://api.calendly.com/organizations/o1', 'a b' => 'ü&=?#/',
    'active' => true, 'deleted' => false, 'skip' => null, 'count' => 7, 'ratio' => 0.5]);
echo 'next_page_token: ', $r['next_page_token'], "\n";
$got = $srv->received();
show($got);
check('bearer token sent', $got['headers']['authorization'] === 'Bearer ' . FAKE_TOKEN);
echo '  accept: ', $got['headers']['accept'], ', user-agent: ', $got['headers']['user-agent'], "\n";

$c->invitees('ev-1_A', ['status' => 'active'], 'tok en/+');
show($srv->received());

$c->createSubscription("http://127.0.0.1:9/h?x=\"1\"", ['invitee.created', "e\u{e9}\n"], 'org', 'user', 'https://api.calendly.com/users/u1', "k\"\\/\u{1F600}\x01");
$got = $srv->received();
show($got);
check('body is JSON that decodes to the arguments', json_decode($got['body'], true) === [
    'url' => "http://127.0.0.1:9/h?x=\"1\"", 'events' => ['invitee.created', "e\u{e9}\n"], 'organization' => 'org',
    'scope' => 'user', 'user' => 'https://api.calendly.com/users/u1', 'signing_key' => "k\"\\/\u{1F600}\x01"]);
check('content-type is JSON', $got['headers']['content-type'] === 'application/json');

$c->createNoShow('https://api.calendly.com/scheduled_events/e/invitees/i');
show($srv->received());
var_dump($c->deleteNoShow('n1'));
show($srv->received());

function payload(string $label, callable $f, CannedServer $srv): void
{
    $e = thrown($f);
    $srv->received();
    if (!$e instanceof PayloadException) {
        echo "$label: ", $e ? get_class($e) . ': ' . $e->getMessage() : 'no exception', "\n";
        return;
    }
    $repeats = $e->path !== '' && str_contains($e->getMessage(), $e->path);
    echo "$label: code=", $e->getCode(), " path='", $e->path, "' message=", $e->getMessage(),
        $repeats ? ' (REPEATS THE PATH)' : '', "\n";
}

payload('not JSON', fn() => $c->currentUser(), $srv);
payload('no resource', fn() => $c->currentUser(), $srv);
payload('resource not an object', fn() => $c->subscription('s1'), $srv);
payload('no collection', fn() => $c->scheduledEvents(['user' => 'u']), $srv);
payload('bad scheduled event item', fn() => $c->scheduledEvents(['user' => 'u']), $srv);
payload('bad invitee item', fn() => $c->invitees('e1'), $srv);
payload('item not an object', fn() => $c->subscriptions(['organization' => 'o']), $srv);
payload('bad single event', fn() => $c->scheduledEvent('e1'), $srv);
?>
--EXPECTF--
next_page_token: next/+=token
  GET /event_types?organization=https%3A%2F%2Fapi.calendly.com%2Forganizations%2Fo1&a%20b=%C3%BC%26%3D%3F%23%2F&active=true&deleted=false&count=7&ratio=0.5 HTTP/1.1
bearer token sent: ok
  accept: application/json, user-agent: calsync/%s
  GET /scheduled_events/ev-1_A/invitees?status=active&page_token=tok%20en%2F%2B HTTP/1.1
  POST /webhook_subscriptions HTTP/1.1
  body: {"url":"http://127.0.0.1:9/h?x=\"1\"","events":["invitee.created","eé\n"],"organization":"org","scope":"user","user":"https://api.calendly.com/users/u1","signing_key":"k\"\\/😀\u0001"}
body is JSON that decodes to the arguments: ok
content-type is JSON: ok
  POST /invitee_no_shows HTTP/1.1
  body: {"invitee":"https://api.calendly.com/scheduled_events/e/invitees/i"}
NULL
  DELETE /invitee_no_shows/n1 HTTP/1.1
not JSON: code=-7 path='' message=the answer is not valid JSON: %s
no resource: code=-8 path='resource' message=missing
resource not an object: code=-8 path='resource' message=expected object, got string
no collection: code=-8 path='collection' message=missing
bad scheduled event item: code=-8 path='collection[1].start_time' message=%r(?!.*REPEATS).*%r
bad invitee item: code=-8 path='collection[0].%s' message=%r(?!.*REPEATS).*%r
item not an object: code=-8 path='collection[0]' message=expected object, got string
bad single event: code=-8 path='resource.start_time' message=missing
