--TEST--
Calsync\Client reads: current user, event types, scheduled events and invitees, every page, single resources
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/client.inc';
use Calsync\Event;
use Calsync\ScheduledEvent;

$fake = new FakeCalendly();
$c = $fake->client();

$me = $c->currentUser();
echo 'me: ', $me['name'], ' <', $me['email'], '>', "\n";
$org = $me['current_organization'];
$user = $me['uri'];
check('user and organization are URIs', str_starts_with($user, 'https://api.calendly.com/users/')
    && str_starts_with($org, 'https://api.calendly.com/organizations/'));

// Event types: one per page, all three, in name order.
$types = all_pages(fn(?string $t) => $c->eventTypes(['organization' => $org, 'count' => 1, 'sort' => 'name:asc'], $t), $pages);
echo "event types in $pages pages: ", implode(', ', array_column($types, 'name')), "\n";
$first = $c->eventTypes(['user' => $user, 'count' => 2]);
check('a page has items and a string token', count($first['items']) === 2 && is_string($first['next_page_token']));
check('item arrays keep the JSON shape', is_array($first['items'][0]['profile']) && is_int($first['items'][0]['duration']));
$last = $c->eventTypes(['user' => $user, 'count' => 2], $first['next_page_token']);
check('the last page has next_page_token null', count($last['items']) === 1 && $last['next_page_token'] === null);

// Scheduled events: five in March 2031, one canceled, one outside the window.
$booked = [];
foreach (['01', '02', '03', '04', '05'] as $i => $day) {
    $booked[] = $fake->book(['email' => "student$i@example.edu", 'start_time' => "2031-03-{$day}T15:00:00Z"]);
}
$fake->book(['email' => 'late@example.edu', 'start_time' => '2031-04-20T15:00:00Z']);
$fake->control('POST', 'cancel', ['invitee_uri' => $booked[2]['invitee_uri'], 'silent' => true]);

$query = ['organization' => $org, 'status' => 'active', 'min_start_time' => '2031-03-01T00:00:00Z',
    'max_start_time' => '2031-04-01T00:00:00Z', 'sort' => 'start_time:asc', 'count' => 2,
    'invitee_email' => null];
$events = all_pages(fn(?string $t) => $c->scheduledEvents($query, $t), $pages);
echo "active March events in $pages pages:\n";
foreach ($events as $e) {
    check('item is a ScheduledEvent', $e instanceof ScheduledEvent);
    $a = $e->toArray();
    echo '  ', Calsync\Time::format($a['start_time']), ' ', $a['name'], ' ', $a['status'], ' hosts=',
        implode(',', array_column($a['hosts'], 'email')), "\n";
}
$one = $c->scheduledEvents(['user' => $user, 'invitee_email' => 'STUDENT3@example.edu', 'count' => 100]);
echo 'by invitee e-mail: ', count($one['items']), ' ', $one['items'][0]->uri() === $booked[3]['event_uri'] ? 'right event' : 'WRONG', "\n";
$canceled = $c->scheduledEvents(['organization' => $org, 'status' => 'canceled']);
echo 'canceled: ', count($canceled['items']), ' ', $canceled['items'][0]->toArray()['status'], "\n";

// One scheduled event.
$se = $c->scheduledEvent($booked[0]['event_uuid']);
check('scheduledEvent() gives that event', $se instanceof ScheduledEvent && $se->uri() === $booked[0]['event_uri']);
echo 'scheduledEvent start: ', Calsync\Time::format($se->toArray()['start_time']), "\n";

// A group event with four invitees, listed two per page.
$group = $fake->book(['email' => 'g0@example.edu', 'event_type' => 'Office hours', 'start_time' => '2031-03-10T18:00:00Z']);
foreach ([1, 2, 3] as $i) {
    $fake->book(['email' => "g$i@example.edu", 'group_event_uri' => $group['event_uri']]);
}
$invitees = all_pages(fn(?string $t) => $c->invitees($group['event_uuid'], ['count' => 2, 'sort' => 'created_at:asc'], $t), $pages);
echo "group invitees in $pages pages:";
foreach ($invitees as $inv) {
    check(' Event of kind rest_invitee', $inv instanceof Event && $inv->kind() === 'rest_invitee');
    echo ' ', $inv->toArray()['email'];
}
echo "\n";
check('invitees() without query: first page', count($c->invitees($group['event_uuid'])['items']) === 4);

// One invitee.
$inv = $c->invitee($booked[1]['event_uuid'], $booked[1]['invitee_uuid']);
$a = $inv->toArray();
echo 'invitee: ', $inv->kind(), ' ', $a['email'], ' ', $a['status'], ' event=', $a['event_uuid'] === $booked[1]['event_uuid'] ? 'ok' : 'WRONG', "\n";
check('invitee URI', $inv->inviteeUri() === $booked[1]['invitee_uri']);
$gone = $c->invitee($booked[2]['event_uuid'], $booked[2]['invitee_uuid'])->toArray();
echo 'canceled invitee: ', $gone['status'], ' canceled_by=', $gone['cancellation']['canceled_by'] ?? 'null', "\n";

$s = $c->stats();
echo 'stats: requests>0 ', $s['requests'] > 0 ? 'yes' : 'no', ', retries ', $s['retries'], ', throttled ', $s['throttled'],
    ', limit ', $s['rate_limit']['limit'], ', remaining ', $s['rate_limit']['limit'] - $s['rate_limit']['remaining'] === $s['requests'] ? 'counted' : 'OFF',
    ', reset_in_ms ', is_int($s['rate_limit']['reset_in_ms']) && $s['rate_limit']['reset_in_ms'] <= 60000 ? 'ok' : 'WRONG', "\n";
$fresh = $fake->client();
echo 'fresh stats: ', json_encode($fresh->stats()), "\n";
?>
--EXPECTF--
me: Coach Lee <coach.lee@example.org>
user and organization are URIs: ok
event types in 3 pages: Coaching session, Intro call, Office hours
a page has items and a string token: ok
item arrays keep the JSON shape: ok
the last page has next_page_token null: ok
active March events in 2 pages:
item is a ScheduledEvent: ok
  2031-03-01T15:00:00.000000Z Coaching session active hosts=coach.lee@example.org
item is a ScheduledEvent: ok
  2031-03-02T15:00:00.000000Z Coaching session active hosts=coach.lee@example.org
item is a ScheduledEvent: ok
  2031-03-04T15:00:00.000000Z Coaching session active hosts=coach.lee@example.org
item is a ScheduledEvent: ok
  2031-03-05T15:00:00.000000Z Coaching session active hosts=coach.lee@example.org
by invitee e-mail: 1 right event
canceled: 1 canceled
scheduledEvent() gives that event: ok
scheduledEvent start: 2031-03-01T15:00:00.000000Z
group invitees in 2 pages: Event of kind rest_invitee: ok
 g0@example.edu Event of kind rest_invitee: ok
 g1@example.edu Event of kind rest_invitee: ok
 g2@example.edu Event of kind rest_invitee: ok
 g3@example.edu
invitees() without query: first page: ok
invitee: rest_invitee student1@example.edu active event=ok
invitee URI: ok
canceled invitee: canceled canceled_by=student2
stats: requests>0 yes, retries 0, throttled 0, limit 500, remaining counted, reset_in_ms ok
fresh stats: {"requests":0,"retries":0,"throttled":0,"slept_ms":0,"rate_limit":{"limit":null,"remaining":null,"reset_in_ms":null}}
