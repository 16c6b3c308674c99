--TEST--
Calsync\Event::parse(): every fixture, every field the plugin stores
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;

echo "-- invitee.created, whole shape\n";
$ev = Event::parse(fixture('invitee_created.json'));
dump_flat($ev->toArray());
var_dump($ev->kind(), $ev->inviteeUri(), $ev->peerUri());
check('times are microseconds', $ev->toArray()['envelope_created_at'] === us('2026-03-02T15:04:05.123456Z'));

echo "-- invitee.canceled\n";
$a = Event::parse(fixture('invitee_canceled.json'))->toArray();
dump_flat(['status' => $a['status'], 'cancellation' => $a['cancellation'], 'rescheduled' => $a['rescheduled'],
    'se_status' => $a['scheduled_event']['status']]);

echo "-- reschedule: old canceled, new created\n";
$old = Event::parse(fixture('reschedule_old_canceled.json'));
$new = Event::parse(fixture('reschedule_new_created.json'));
var_dump($old->kind(), $old->toArray()['rescheduled'], $old->toArray()['cancellation']['reason']);
check('old names the new as its peer', $old->peerUri() === $new->inviteeUri());
check('new names the old as its peer', $new->peerUri() === $old->inviteeUri());
check('new has old_invitee', $new->toArray()['old_invitee'] === $old->inviteeUri());
check('different scheduled events', $old->toArray()['event_uuid'] !== $new->toArray()['event_uuid']);

echo "-- no-show created / deleted\n";
$ns = Event::parse(fixture('no_show_created.json'));
var_dump($ns->kind());
dump_flat(['no_show' => $ns->toArray()['no_show'], 'status' => $ns->toArray()['status']]);
$nd = Event::parse(fixture('no_show_deleted.json'));
var_dump($nd->kind(), $nd->toArray()['no_show']);

echo "-- no embedded scheduled_event\n";
$ne = Event::parse(fixture('invitee_created_no_scheduled_event.json'))->toArray();
var_dump($ne['scheduled_event'], $ne['event_uuid'], $ne['first_name']);

echo "-- other event: accepted, ignored, same keys\n";
$other = Event::parse(fixture('other_event.json'));
var_dump($other->kind(), $other->inviteeUri(), $other->peerUri());
$oa = $other->toArray();
check('same keys as an invitee event', array_keys($oa) === array_keys($ev->toArray()));
var_dump($oa['event_name'], $oa['uri'], $oa['status'], $oa['scheduled_event']);

echo "-- REST invitee, with and without {resource: ...}\n";
$rest = Event::parseRestInvitee(fixture('rest_invitee.json'));
var_dump($rest->kind(), $rest->toArray()['event_name'], $rest->toArray()['envelope_created_at']);
$bare = json_encode(json_decode(fixture('rest_invitee.json'), true)['resource']);
$rest2 = Event::parseRestInvitee($bare);
check('bare resource parses the same', $rest2->toArray() === $rest->toArray());
check('REST invitee is the webhook invitee', $rest->inviteeUri() === $ev->inviteeUri());
$page = json_decode(fixture('rest_invitees_page.json'), true);
foreach ($page['collection'] as $i => $item) {
    $e = Event::parseRestInvitee(json_encode($item));
    check("collection item $i parses", $e->inviteeUri() === $item['uri'] && $e->toArray()['email'] === $item['email']);
}

echo "-- dedupe keys\n";
$k = $ev->dedupeKey();
var_dump(strlen($k), (bool)preg_match("/^[0-9a-f]{64}$/", $k));
$reencoded = json_encode(json_decode(fixture('invitee_created.json')), JSON_PRETTY_PRINT);
check('re-serialised delivery has the same key', Event::parse($reencoded)->dedupeKey() === $k);
check('another event differs', Event::parse(fixture('invitee_canceled.json'))->dedupeKey() !== $k);
check('no-show created and deleted differ', $ns->dedupeKey() !== $nd->dedupeKey());
check('rawDedupeKey is SHA-256 of the body', Event::rawDedupeKey(fixture('other_event.json')) === hash('sha256', fixture('other_event.json')));
check('other event keys on the raw body', $other->dedupeKey() === Event::rawDedupeKey(fixture('other_event.json')));
var_dump(Event::rawDedupeKey('') === hash('sha256', ''), Event::rawDedupeKey("\0\xff") === hash('sha256', "\0\xff"));

echo "-- redacted JSON\n";
$red = Event::parse(fixture('invitee_canceled.json'))->redactedJson();
$j = json_decode($red, true);
check('valid JSON', is_array($j));
check('location.data removed', !isset($j['payload']['scheduled_event']['location']['data']));
check('no conference password left', !str_contains($red, 'k7Qp2x'));
check('location type kept', $j['payload']['scheduled_event']['location']['type'] === 'zoom');
check('answers removed', !isset($j['payload']['questions_and_answers']) && !array_key_exists('text_reminder_number', $j['payload']));
check('invitee kept', $j['payload']['uri'] === $a['uri']);
$red2 = Event::parse(fixture('reschedule_old_canceled.json'))->redactedJson();
check('payment removed', !str_contains($red2, 'ch_3OqK2vLkdIwHu7ix0Tn4aB1c') && !isset(json_decode($red2, true)['payload']['payment']));
check('redacting is stable', Event::parse($red)->redactedJson() === $red);

echo "-- edge: unicode, large bodies\n";
check('UTF-8 name intact', $ev->toArray()['name'] === "Ana Ru\u{ed}z");
$big = json_decode(fixture('invitee_created.json'), true);
$big['payload']['questions_and_answers'] = array_fill(0, 20000, ['question' => str_repeat('q', 100), 'answer' => "a\u{2603}", 'position' => 1]);
$bigBody = json_encode($big);
check('body over 2 MB', strlen($bigBody) > 2000000);
check('large body parses to the same fields', Event::parse($bigBody)->toArray() === $ev->toArray());
?>
--EXPECT--
-- invitee.created, whole shape
kind: 'invitee.created'
event_name: 'invitee.created'
envelope_created_at: 1772463845123456
created_by: 'https://api.calendly.com/users/bb0234d5-1800-43d9-997c-bdbedae6648a'
uri: 'https://api.calendly.com/scheduled_events/d06edd78-d79d-4ab7-ac28-49e99b4d111a/invitees/bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2'
uuid: 'bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2'
email: 'ana.ruiz@example.org'
name: 'Ana Ruíz'
first_name: 'Ana'
last_name: 'Ruíz'
status: 'active'
timezone: 'America/Chicago'
event_uri: 'https://api.calendly.com/scheduled_events/d06edd78-d79d-4ab7-ac28-49e99b4d111a'
event_uuid: 'd06edd78-d79d-4ab7-ac28-49e99b4d111a'
created_at: 1772463844900000
updated_at: 1772463845000000
rescheduled: false
old_invitee: NULL
new_invitee: NULL
cancel_url: 'https://calendly.com/cancellations/bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2'
reschedule_url: 'https://calendly.com/reschedulings/bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2'
cancellation: NULL
no_show: NULL
scheduled_event.uri: 'https://api.calendly.com/scheduled_events/d06edd78-d79d-4ab7-ac28-49e99b4d111a'
scheduled_event.uuid: 'd06edd78-d79d-4ab7-ac28-49e99b4d111a'
scheduled_event.name: 'Coaching session'
scheduled_event.status: 'active'
scheduled_event.start_time: 1773072000000000
scheduled_event.end_time: 1773074700000000
scheduled_event.event_type: 'https://api.calendly.com/event_types/e0d11a45-b02f-431d-9c7f-32715b5d9c45'
scheduled_event.location_type: 'zoom'
scheduled_event.join_url: 'https://us02web.zoom.us/j/81234567890?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ'
scheduled_event.hosts.0.user_uri: 'https://api.calendly.com/users/203ff10f-63af-43cb-b391-65ce304e0aa2'
scheduled_event.hosts.0.email: 'lee.coach@example.org'
scheduled_event.hosts.0.name: 'Jordan Lee'
scheduled_event.created_at: 1772463844850000
scheduled_event.updated_at: 1772463846100000
string(15) "invitee.created"
string(124) "https://api.calendly.com/scheduled_events/d06edd78-d79d-4ab7-ac28-49e99b4d111a/invitees/bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2"
NULL
times are microseconds: ok
-- invitee.canceled
status: 'canceled'
cancellation.canceled_by: 'Ana Ruíz'
cancellation.reason: 'Exam clash, sorry!'
cancellation.canceler_type: 'invitee'
cancellation.canceled_at: 1772615550000000
rescheduled: false
se_status: 'canceled'
-- reschedule: old canceled, new created
string(16) "invitee.canceled"
bool(true)
NULL
old names the new as its peer: ok
new names the old as its peer: ok
new has old_invitee: ok
different scheduled events: ok
-- no-show created / deleted
string(23) "invitee_no_show.created"
no_show.uri: 'https://api.calendly.com/invitee_no_shows/52999e2b-cc12-4954-b330-c873c4044838'
no_show.uuid: '52999e2b-cc12-4954-b330-c873c4044838'
no_show.created_at: 1773075130300000
status: 'active'
string(23) "invitee_no_show.deleted"
NULL
-- no embedded scheduled_event
NULL
string(36) "e9e78f1a-847f-4cc6-940f-50bf5229505a"
NULL
-- other event: accepted, ignored, same keys
string(5) "other"
NULL
NULL
same keys as an invitee event: ok
string(31) "routing_form_submission.created"
NULL
NULL
NULL
-- REST invitee, with and without {resource: ...}
string(12) "rest_invitee"
NULL
NULL
bare resource parses the same: ok
REST invitee is the webhook invitee: ok
collection item 0 parses: ok
collection item 1 parses: ok
-- dedupe keys
int(64)
bool(true)
re-serialised delivery has the same key: ok
another event differs: ok
no-show created and deleted differ: ok
rawDedupeKey is SHA-256 of the body: ok
other event keys on the raw body: ok
bool(true)
bool(true)
-- redacted JSON
valid JSON: ok
location.data removed: ok
no conference password left: ok
location type kept: ok
answers removed: ok
invitee kept: ok
payment removed: ok
redacting is stable: ok
-- edge: unicode, large bodies
UTF-8 name intact: ok
body over 2 MB: ok
large body parses to the same fields: ok
