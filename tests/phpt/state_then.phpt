--TEST--
Calsync\State::then(): two answers, the second applied to the first's facts, as one answer
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\ScheduledEvent;
use Calsync\State;

$now = 1773100000000000;
$t = us('2026-03-09T17:00:00Z');

/** SessionSync::then() as the plugin had it, for comparison. */
function old_then(array $first, array $second): array
{
    $changes = (array) $first['changes'];
    foreach ((array) $second['changes'] as $key => $pair) {
        $changes[$key] = [isset($changes[$key]) ? $changes[$key][0] : ($pair[0] ?? null), $pair[1] ?? null];
    }
    $second['changes'] = $changes;
    $second['notes'] = array_merge((array) $first['notes'], (array) $second['notes']);
    $second['old_status'] = $first['old_status'];
    $second['old_conflict'] = $first['old_conflict'];
    return $second;
}

/** Equal but for the order of the change keys (then() lists them in field order). */
function same_as_old(array $new, array $old): bool
{
    $a = $new['changes'];
    $b = $old['changes'];
    ksort($a);
    ksort($b);
    unset($new['changes'], $old['changes']);
    return $a === $b && $new === $old;
}

echo "-- the plugin's case: an event, then its REST scheduled event\n";
$sched = ScheduledEvent::parse(fixture('rest_scheduled_event.json'));
$row = apply_all(['invitee_created.json']);
$e1 = State::applyEvent(null, Event::parse(fixture('invitee_created.json')), $now);
$e2 = State::applyScheduledEvent($e1['facts'], $sched);
$both = State::then($e1, $e2);
outcome_line('created, then its scheduled event', $both);
check('the same as the old then()', same_as_old($both, old_then($e1, $e2)));
check('facts and derived fields are the second\'s', $both['facts'] === $e2['facts'] && $both['status'] === $e2['status']
    && $both['attendance_due_at'] === $e2['attendance_due_at'] && $both['needs_attendance'] === $e2['needs_attendance']
    && $both['counts_alone'] === $e2['counts_alone']);
check('the key order of the second answer is kept', array_keys($both) === array_keys($e2));

echo "-- a field both changed: the first's old value, the second's new one\n";
$m1 = State::applyMark($row, 'no_show', $t, 7);
$m2 = State::applyMark($m1['facts'], 'attended', $t + 1, 8);
$m = State::then($m1, $m2);
outcome_line('no_show, then attended', $m);
echo 'coach_mark: ', json_encode($m['changes']['coach_mark']), ' coach_mark_by: ', json_encode($m['changes']['coach_mark_by']), "\n";
check('the same as the old then()', same_as_old($m, old_then($m1, $m2)));
// A field only the first changed keeps the first's pair.
$c1 = State::applyEvent($row, Event::parse(fixture('invitee_canceled.json')), $now);
$c2 = State::applyMark($c1['facts'], 'attended', $t, 7);
$c = State::then($c1, $c2);
outcome_line('canceled, then attended', $c);
check('cancel_reason from the first', $c['changes']['cancel_reason'] === $c1['changes']['cancel_reason']);
check('coach_mark from the second', $c['changes']['coach_mark'] === $c2['changes']['coach_mark']);
check('old_status and old_conflict from the first', $c['old_status'] === 'scheduled' && $c['old_conflict'] === false
    && $c2['old_status'] === 'canceled');
check('the same as the old then()', same_as_old($c, old_then($c1, $c2)));
echo 'changes in field order: ', implode(',', array_keys($c['changes'])), "\n";

echo "-- notes of both, the first's first; outbound actions of both\n";
$s1 = State::applyMark($m2['facts'], 'no_show', $t - 5, 9, true);   // stale
$s2 = State::applyMark($s1['facts'], 'no_show', $t + 2, 9, true);   // creates
$s3 = State::applyMark($s2['facts'], 'none', $t + 3, 9, true);      // deletes
$s = State::then(State::then($s1, $s2), $s3);
echo 'notes: ', json_encode($s['notes']), ' outbound: ', implode(',', array_column($s['outbound'], 'action')), "\n";
$dup = State::then($s1, $s1);
echo 'notes of a stale mark twice: ', json_encode($dup['notes']), "\n";
// then() over old answers without "outbound" (before this key existed).
$o1 = $m1; unset($o1['outbound']);
$o2 = $m2; unset($o2['outbound']);
echo 'answers without outbound: ', json_encode(State::then($o1, $o2)['outbound']), "\n";

echo "-- then() is associative on the change report\n";
$x = State::then(State::then($m1, $m2), $s1);
$y = State::then($m1, State::then($m2, $s1));
check('(a then b) then c == a then (b then c)', $x === $y);

echo "-- answers only\n";
$bad = $m1;
unset($bad['old_status']);
echo fails(fn() => State::then($bad, $m2)), "\n";
echo fails(fn() => State::then($m1, ['conflict' => 'no'] + $m2)), "\n";
echo fails(fn() => State::then($m1, ['status' => 'completed'] + $m2)), "\n";
echo fails(fn() => State::then(['changes' => ['colour' => [1, 2]]] + $m1, $m2)), "\n";
echo fails(fn() => State::then(['changes' => [0 => [1, 2]]] + $m1, $m2)), "\n";
echo fails(fn() => State::then(['changes' => ['email' => 'x']] + $m1, $m2)), "\n";
echo fails(fn() => State::then(['changes' => ['email' => ['a' => 1, 'b' => 2]]] + $m1, $m2)), "\n";
echo fails(fn() => State::then(['notes' => ['stale']] + $m1, $m2)), "\n";
echo fails(fn() => State::then(['notes' => [1]] + $m1, $m2)), "\n";
echo fails(fn() => State::then($m1, ['outbound' => 'none'] + $m2)), "\n";
echo fails(fn() => State::then($m1, 'x')), "\n";
?>
--EXPECT--
-- the plugin's case: an event, then its REST scheduled event
created, then its scheduled event: scheduled -> scheduled changed=invitee_uri,booked,event_uri,info_updated_at,info_envelope_at,email,name,timezone,cancel_url,reschedule_url,invitee_created_at,sched_updated_at,start_at,end_at,event_name,event_type_uri,event_status,location_type,join_url,host_email,host_name,host_emails
the same as the old then(): ok
facts and derived fields are the second's: ok
the key order of the second answer is kept: ok
-- a field both changed: the first's old value, the second's new one
no_show, then attended: scheduled -> attended changed=coach_mark,coach_mark_at,coach_mark_by
coach_mark: ["none","attended"] coach_mark_by: [0,8]
the same as the old then(): ok
canceled, then attended: scheduled -> attended CONFLICT notes=conflict changed=canceled,cancel_at,cancel_reason,canceled_by,canceler_type,coach_mark,coach_mark_at,coach_mark_by,info_updated_at,info_envelope_at,sched_updated_at,event_status
cancel_reason from the first: ok
coach_mark from the second: ok
old_status and old_conflict from the first: ok
the same as the old then(): ok
changes in field order: canceled,cancel_at,cancel_reason,canceled_by,canceler_type,coach_mark,coach_mark_at,coach_mark_by,info_updated_at,info_envelope_at,sched_updated_at,event_status
-- notes of both, the first's first; outbound actions of both
notes: ["stale_mark"] outbound: create_no_show,delete_no_show
notes of a stale mark twice: ["stale_mark","stale_mark"]
answers without outbound: []
-- then() is associative on the change report
(a then b) then c == a then (b then c): ok
-- answers only
ValueError: Calsync\State::then(): Argument #1 ($first) must be an answer of State::apply*(): key "old_status" is missing
TypeError: Calsync\State::then(): Argument #2 ($second) key "conflict" must be of type bool, string given
ValueError: Calsync\State::then(): Argument #2 ($second) key "status" must be a status name
ValueError: Calsync\State::then(): Argument #1 ($first) key "changes" names an unknown field "colour"
ValueError: Calsync\State::then(): Argument #1 ($first) key "changes" names an unknown field 0
ValueError: Calsync\State::then(): Argument #1 ($first) key "changes" must map "email" to [old, new]
ValueError: Calsync\State::then(): Argument #1 ($first) key "changes" must map "email" to [old, new]
ValueError: Calsync\State::then(): Argument #1 ($first) key "notes" must hold only note names
ValueError: Calsync\State::then(): Argument #1 ($first) key "notes" must hold only note names
TypeError: Calsync\State::then(): Argument #2 ($second) key "outbound" must be of type array, string given
TypeError: Calsync\State::then(): Argument #2 ($second) must be of type array, string given
