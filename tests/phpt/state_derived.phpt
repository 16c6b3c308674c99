--TEST--
Calsync\State: attendance_due_at, needs_attendance and counts_alone in derive() and every apply* answer
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\ScheduledEvent;
use Calsync\State;

$now = 1773100000000000;
$row = apply_all(['invitee_created.json']);
$end = $row['end_at'];

function derived(array $r): string
{
    return sprintf('%s due=%s needs=%s alone=%s', $r['status'], var_export($r['attendance_due_at'], true),
        var_export($r['needs_attendance'], true), var_export($r['counts_alone'], true));
}

/** For answers at the current time: needs_attendance must equal due < the clock read after the call. */
function derived_now(array $r): string
{
    $clock = (int)(microtime(true) * 1000000);
    $want = $r['attendance_due_at'] !== null && $r['attendance_due_at'] < $clock;
    return sprintf('%s due=%s needs=%s alone=%s', $r['status'], var_export($r['attendance_due_at'], true),
        $r['needs_attendance'] === $want ? 'as of now' : 'WRONG', var_export($r['counts_alone'], true));
}

echo "-- derive(): the same first three keys as before, then the derived fields\n";
$d = State::derive($row, $now);
echo implode(',', array_keys($d)), "\n";
check('due at the end of the session', $d['attendance_due_at'] === $end);
echo 'before the end: ', derived(State::derive($row, $end - 1)), "\n";
echo 'at the end:     ', derived(State::derive($row, $end)), "\n";
echo 'after the end:  ', derived(State::derive($row, $end + 1)), "\n";
// Without $now (or with null) the current time is used.
$future = ['end_at' => PHP_INT_MAX] + $row;
$past = ['end_at' => 1] + $row;
check('default now: a session ending at PHP_INT_MAX is not overdue', State::derive($future)['needs_attendance'] === false);
check('default now: a session that ended in 1970 is overdue', State::derive($past)['needs_attendance'] === true);
check('null now is the current time', State::derive($past, null)['needs_attendance'] === true);
check('derive() with one argument keeps its old answer', array_slice(State::derive($row), 0, 3) === ['status' => 'scheduled', 'conflict' => false, 'mark' => 'none']);
echo 'no end known:   ', derived(State::derive(apply_all(['invitee_created_no_scheduled_event.json']), $now)), "\n";
echo 'empty facts:    ', derived(State::derive([], $now)), "\n";
// The rule reads status and end_at only, as the plugin's SQL does on its columns.
echo 'end, no start:  ', derived(State::derive(['start_at' => null, 'end_at' => 5], 6)), "\n";
echo 'start, no end:  ', derived(State::derive(['start_at' => 5, 'end_at' => null], 6)), "\n";

echo "-- apply* answers\n";
$ev = Event::parse(fixture('invitee_created.json'));
echo 'applyEvent at its now, after the end: ', derived(State::applyEvent(null, $ev, $now)), "\n";
echo 'applyEvent at its now, before the end: ', derived(State::applyEvent(null, $ev, $end - 1)), "\n";
$att = State::applyMark($row, 'attended', $now, 7);
echo 'applyMark attended: ', derived_now($att), "\n";
echo 'applyMark no_show: ', derived_now(State::applyMark($row, 'no_show', $now, 7)), "\n";
echo 'applyMark rescheduled: ', derived_now(State::applyMark($row, 'rescheduled', $now, 7)), "\n";
echo 'applyMark cleared again: ', derived_now(State::applyMark($att['facts'], 'none', $now + 1, 7)), "\n";
$canceled = State::applyEvent($row, Event::parse(fixture('invitee_canceled.json')), $now);
echo 'canceled: ', derived($canceled), "\n";
$late = State::applyEvent($att['facts'], Event::parse(fixture('invitee_canceled.json')), $now);
echo 'attended, then canceled (a conflict): ', derived($late), ' conflict=', var_export($late['conflict'], true), "\n";
$old = State::applyEvent(null, Event::parse(fixture('reschedule_old_canceled.json')), $now);
echo 'rescheduled away: ', derived($old), "\n";
echo 'its peer: ', derived_now(State::applyPeer(null, Event::parse(fixture('reschedule_old_canceled.json')))), "\n";
$sched = ScheduledEvent::parse(fixture('rest_scheduled_event.json'));
$s = State::applyScheduledEvent(['event_uri' => $sched->uri()], $sched);
echo 'applyScheduledEvent: ', derived_now($s), ' end=', var_export($s['facts']['end_at'] === $s['attendance_due_at'], true), "\n";
echo 'applyErasure: ', derived_now(State::applyErasure($row, $now)), "\n";

echo "-- every answer carries the new keys, and no outbound action unless asked for\n";
foreach ([State::applyEvent(null, $ev, $now), State::applyPeer(null, Event::parse(fixture('reschedule_new_created.json'))),
          $s, State::applyMark($row, 'no_show', $now, 7), State::applyErasure($row, $now)] as $i => $a) {
    echo $i, ': ', implode(',', array_slice(array_keys($a), 7)), ' outbound=', json_encode($a['outbound']), "\n";
}
// The derived fields of an answer are derive() of its facts at the same now.
foreach ([$row, $att['facts'], $canceled['facts'], $late['facts']] as $i => $f) {
    $a = State::applyEvent($f, $ev, $now);
    $d = State::derive($a['facts'], $now);
    check("answer $i agrees with derive()", $a['status'] === $d['status'] && $a['attendance_due_at'] === $d['attendance_due_at']
        && $a['needs_attendance'] === $d['needs_attendance'] && $a['counts_alone'] === $d['counts_alone']);
}

echo "-- wrong arguments\n";
echo fails(fn() => State::derive($row, 'now')), "\n";
echo fails(fn() => State::derive($row, [])), "\n";
?>
--EXPECT--
-- derive(): the same first three keys as before, then the derived fields
status,conflict,mark,attendance_due_at,needs_attendance,counts_alone
due at the end of the session: ok
before the end: scheduled due=1773074700000000 needs=false alone=false
at the end:     scheduled due=1773074700000000 needs=false alone=false
after the end:  scheduled due=1773074700000000 needs=true alone=false
default now: a session ending at PHP_INT_MAX is not overdue: ok
default now: a session that ended in 1970 is overdue: ok
null now is the current time: ok
derive() with one argument keeps its old answer: ok
no end known:   scheduled due=NULL needs=false alone=false
empty facts:    scheduled due=NULL needs=false alone=false
end, no start:  scheduled due=5 needs=true alone=false
start, no end:  scheduled due=NULL needs=false alone=false
-- apply* answers
applyEvent at its now, after the end: scheduled due=1773074700000000 needs=true alone=false
applyEvent at its now, before the end: scheduled due=1773074700000000 needs=false alone=false
applyMark attended: attended due=NULL needs=as of now alone=true
applyMark no_show: no_show due=NULL needs=as of now alone=false
applyMark rescheduled: rescheduled due=NULL needs=as of now alone=false
applyMark cleared again: scheduled due=1773074700000000 needs=as of now alone=false
canceled: canceled due=NULL needs=false alone=false
attended, then canceled (a conflict): attended due=NULL needs=false alone=true conflict=true
rescheduled away: rescheduled due=NULL needs=false alone=false
its peer: scheduled due=NULL needs=as of now alone=false
applyScheduledEvent: scheduled due=1773074700000000 needs=as of now alone=false end=true
applyErasure: scheduled due=1773074700000000 needs=as of now alone=false
-- every answer carries the new keys, and no outbound action unless asked for
0: attendance_due_at,needs_attendance,counts_alone,outbound outbound=[]
1: attendance_due_at,needs_attendance,counts_alone,outbound outbound=[]
2: attendance_due_at,needs_attendance,counts_alone,outbound outbound=[]
3: attendance_due_at,needs_attendance,counts_alone,outbound outbound=[]
4: attendance_due_at,needs_attendance,counts_alone,outbound outbound=[]
answer 0 agrees with derive(): ok
answer 1 agrees with derive(): ok
answer 2 agrees with derive(): ok
answer 3 agrees with derive(): ok
-- wrong arguments
TypeError: Calsync\State::derive(): Argument #2 ($now) must be of type ?int, string given
TypeError: Calsync\State::derive(): Argument #2 ($now) must be of type ?int, array given
