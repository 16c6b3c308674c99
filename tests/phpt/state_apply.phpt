--TEST--
Calsync\State::applyEvent(), applyPeer(), applyScheduledEvent(): new facts, status, changes, notes
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\ScheduledEvent;
use Calsync\State;

$now = 1773100000000000;
$created = Event::parse(fixture('invitee_created.json'));
$canceled = Event::parse(fixture('invitee_canceled.json'));

echo "-- a new row\n";
$r = State::applyEvent(null, $created, $now);
outcome_line('created on no row', $r);
var_dump(array_keys($r));
check('facts have every key, in emptyFacts order', array_keys($r['facts']) === array_keys(State::emptyFacts()));
check('changes are [old, new]', $r['changes']['email'] === [null, 'ana.ruiz@example.org'] && $r['changes']['booked'] === [false, true]);
check('start from the embedded event', $r['facts']['start_at'] === us('2026-03-09T16:00:00Z') && $r['facts']['host_email'] === 'lee.coach@example.org');
check('an empty array is the same as null', State::applyEvent([], $created, $now) === $r);
check('so is emptyFacts()', State::applyEvent(State::emptyFacts(), $created, $now) === $r);

echo "-- repetition changes nothing\n";
$again = State::applyEvent($r['facts'], $created, $now);
outcome_line('created twice', $again);
check('facts unchanged', $again['facts'] === $r['facts']);

echo "-- cancel\n";
$c = State::applyEvent($r['facts'], $canceled, $now);
outcome_line('then canceled', $c);
dump_flat(array_intersect_key($c['facts'], array_flip(['canceled', 'cancel_at', 'cancel_reason', 'canceled_by', 'canceler_type'])));

echo "-- arrival order does not matter; a cancel is never undone\n";
$c1 = State::applyEvent(null, $canceled, $now);
outcome_line('canceled on no row', $c1);
$c2 = State::applyEvent($c1['facts'], $created, $now);
outcome_line('late created', $c2);
check('same facts either order', $c2['facts'] == $c['facts']);

echo "-- reschedule, both orders, both rows\n";
$old = Event::parse(fixture('reschedule_old_canceled.json'));
$new = Event::parse(fixture('reschedule_new_created.json'));
// Order A: old's cancel first.
$oldRow = State::applyEvent(null, $old, $now);
outcome_line('old canceled', $oldRow);
$newRow = State::applyPeer(null, $old);
outcome_line('peer row for the new invitee', $newRow);
var_dump($newRow['facts']['invitee_uri'] === $new->inviteeUri(), $newRow['facts']['rescheduled_from_uri'] === $old->inviteeUri());
$newRow = State::applyEvent($newRow['facts'], $new, $now);
outcome_line('new created', $newRow);
$oldRow = State::applyPeer($oldRow['facts'], $new);
outcome_line('old row hears of the new', $oldRow);
// Order B: new's create first.
$newB = State::applyEvent(null, $new, $now);
$oldB = State::applyPeer(null, $new);
outcome_line('peer row for the old invitee', $oldB);
$oldB = State::applyEvent($oldB['facts'], $old, $now);
$newB = State::applyPeer($newB['facts'], $old);
check('old row: same facts either order', $oldB['facts'] == $oldRow['facts']);
check('new row: same facts either order', $newB['facts'] == $newRow['facts']);
var_dump($oldRow['facts']['rescheduled_to_uri'] === $new->inviteeUri(), $oldRow['status'], $newRow['status']);

echo "-- no-show from Calendly\n";
$ns = State::applyEvent($r['facts'], Event::parse(fixture('no_show_created.json')), $now);
outcome_line('no-show created', $ns);
var_dump($ns['facts']['noshow'], $ns['facts']['noshow_uri']);
$nd = State::applyEvent($ns['facts'], Event::parse(fixture('no_show_deleted.json')), $now);
outcome_line('no-show deleted', $nd);
var_dump($nd['facts']['noshow']);

echo "-- an invitee without its scheduled event, filled in later\n";
$rest = Event::parseRestInvitee(fixture('rest_invitee.json'));
$rr = State::applyEvent(null, $rest, 1773000000000000);
outcome_line('REST invitee', $rr);
var_dump($rr['facts']['start_at'], $rr['facts']['noshow_absent_seen_at']);
$se = ScheduledEvent::parse(fixture('rest_scheduled_event.json'));
$rs = State::applyScheduledEvent($rr['facts'], $se);
outcome_line('scheduled event looked up', $rs);
check('start and end filled in', $rs['facts']['start_at'] === us('2026-03-09T16:00:00Z') && $rs['facts']['end_at'] === us('2026-03-09T16:45:00Z'));
$ne = State::applyEvent(null, Event::parse(fixture('invitee_created_no_scheduled_event.json')), $now);
outcome_line('webhook without scheduled_event', $ne);
var_dump($ne['facts']['event_uri'], $ne['facts']['start_at']);
$nowDefault = State::applyEvent(null, $rest)['facts']['noshow_absent_seen_at'];
check('$now defaults to the clock', abs($nowDefault - (int)(microtime(true) * 1e6)) < 5000000);

echo "-- a partly filled row from the database\n";
$partial = ['invitee_uri' => $created->inviteeUri(), 'coach_mark' => 'attended', 'coach_mark_at' => 1773080000000000, 'coach_mark_by' => 7];
$p = State::applyEvent($partial, $canceled, $now);
outcome_line('cancel after a mark', $p);
var_dump($p['facts']['coach_mark'], $p['facts']['coach_mark_by'], $p['facts']['canceled']);

echo "-- strings with binary bytes survive\n";
$odd = ['invitee_uri' => $created->inviteeUri(), 'name' => "A\0B\xff", 'email' => str_repeat('x', 100000)];
check('binary name kept through a merge', State::merge($odd, $odd)['name'] === "A\0B\xff");
check('100 kB string kept', State::merge($odd, [])['email'] === str_repeat('x', 100000));
?>
--EXPECT--
-- a new row
created on no row: scheduled -> scheduled changed=invitee_uri,booked,event_uri,info_updated_at,info_envelope_at,email,name,timezone,cancel_url,reschedule_url,invitee_created_at,sched_updated_at,start_at,end_at,event_name,event_type_uri,event_status,location_type,join_url,host_email,host_name,host_emails
array(11) {
  [0]=>
  string(5) "facts"
  [1]=>
  string(6) "status"
  [2]=>
  string(10) "old_status"
  [3]=>
  string(8) "conflict"
  [4]=>
  string(12) "old_conflict"
  [5]=>
  string(7) "changes"
  [6]=>
  string(5) "notes"
  [7]=>
  string(17) "attendance_due_at"
  [8]=>
  string(16) "needs_attendance"
  [9]=>
  string(12) "counts_alone"
  [10]=>
  string(8) "outbound"
}
facts have every key, in emptyFacts order: ok
changes are [old, new]: ok
start from the embedded event: ok
an empty array is the same as null: ok
so is emptyFacts(): ok
-- repetition changes nothing
created twice: scheduled -> scheduled changed=-
facts unchanged: ok
-- cancel
then canceled: scheduled -> canceled changed=canceled,cancel_at,cancel_reason,canceled_by,canceler_type,info_updated_at,info_envelope_at,sched_updated_at,event_status
canceled: true
cancel_at: 1772615550000000
cancel_reason: 'Exam clash, sorry!'
canceled_by: 'Ana Ruíz'
canceler_type: 'invitee'
-- arrival order does not matter; a cancel is never undone
canceled on no row: scheduled -> canceled changed=invitee_uri,event_uri,canceled,cancel_at,cancel_reason,canceled_by,canceler_type,info_updated_at,info_envelope_at,email,name,timezone,cancel_url,reschedule_url,invitee_created_at,sched_updated_at,start_at,end_at,event_name,event_type_uri,event_status,location_type,join_url,host_email,host_name,host_emails
late created: canceled -> canceled notes=no_revive,stale_info changed=booked
same facts either order: ok
-- reschedule, both orders, both rows
old canceled: scheduled -> rescheduled changed=invitee_uri,event_uri,canceled,cancel_at,canceled_by,canceler_type,reschedule_canceled,rescheduled_to_uri,info_updated_at,info_envelope_at,email,name,timezone,cancel_url,reschedule_url,invitee_created_at,sched_updated_at,start_at,end_at,event_name,event_type_uri,event_status,location_type,join_url,host_email,host_name,host_emails
peer row for the new invitee: scheduled -> scheduled changed=invitee_uri,rescheduled_from_uri
bool(true)
bool(true)
new created: scheduled -> scheduled changed=booked,event_uri,info_updated_at,info_envelope_at,email,name,timezone,cancel_url,reschedule_url,invitee_created_at,sched_updated_at,start_at,end_at,event_name,event_type_uri,event_status,location_type,join_url,host_email,host_name,host_emails
old row hears of the new: rescheduled -> rescheduled changed=-
peer row for the old invitee: scheduled -> rescheduled changed=invitee_uri,reschedule_canceled,rescheduled_to_uri
old row: same facts either order: ok
new row: same facts either order: ok
bool(true)
string(11) "rescheduled"
string(9) "scheduled"
-- no-show from Calendly
no-show created: scheduled -> no_show changed=noshow,noshow_at,noshow_uri,info_updated_at,info_envelope_at
string(7) "present"
string(78) "https://api.calendly.com/invitee_no_shows/52999e2b-cc12-4954-b330-c873c4044838"
no-show deleted: no_show -> scheduled changed=noshow,noshow_at,noshow_uri,info_updated_at,info_envelope_at
string(7) "deleted"
-- an invitee without its scheduled event, filled in later
REST invitee: scheduled -> scheduled changed=invitee_uri,booked,event_uri,noshow_absent_seen_at,info_updated_at,email,name,timezone,cancel_url,reschedule_url,invitee_created_at
NULL
int(1773000000000000)
scheduled event looked up: scheduled -> scheduled changed=sched_updated_at,start_at,end_at,event_name,event_type_uri,event_status,location_type,join_url,host_email,host_name,host_emails
start and end filled in: ok
webhook without scheduled_event: scheduled -> scheduled changed=invitee_uri,booked,event_uri,info_updated_at,info_envelope_at,email,name,timezone,cancel_url,reschedule_url,invitee_created_at
string(78) "https://api.calendly.com/scheduled_events/e9e78f1a-847f-4cc6-940f-50bf5229505a"
NULL
$now defaults to the clock: ok
-- a partly filled row from the database
cancel after a mark: attended -> attended CONFLICT notes=conflict changed=event_uri,canceled,cancel_at,cancel_reason,canceled_by,canceler_type,info_updated_at,info_envelope_at,email,name,timezone,cancel_url,reschedule_url,invitee_created_at,sched_updated_at,start_at,end_at,event_name,event_type_uri,event_status,location_type,join_url,host_email,host_name,host_emails
string(8) "attended"
int(7)
bool(true)
-- strings with binary bytes survive
binary name kept through a merge: ok
100 kB string kept: ok
