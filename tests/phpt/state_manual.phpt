--TEST--
Calsync\State::applyManual(): a session entered by hand, its edits, its refusals, and Calendly kept out
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\State;

$h = 3600 * 1000000;
$start = us('2026-03-05T09:00:00Z');
$at = us('2026-03-06T10:00:00Z');

echo "-- created\n";
$a = State::applyManual(null, $start, $start + $h, $at, 7);
var_dump($a['status'], $a['facts']['entered_at'] === $at, $a['facts']['entered_by'], $a['facts']['invitee_uri']);
var_dump($a['attendance_due_at'] === $start + $h, $a['needs_attendance']);
echo implode(',', array_keys($a['changes'])), "\n";

echo "-- edited\n";
$b = State::applyManual($a['facts'], $start + $h, $start + 2 * $h, $at + 1, 9);
var_dump($b['facts']['entered_by'], $b['facts']['start_at'] === $start + $h);
echo implode(',', array_keys($b['changes'])), "\n";

echo "-- marked\n";
$c = State::applyMark($b['facts'], 'attended', $at + 2, 7, true);
var_dump($c['status'], $c['counts_alone'], $c['outbound']);

echo "-- refused\n";
foreach ([[$start, $start], [$start, $start - 1], [$start, $start + 24 * $h + 1]] as [$s, $e]) {
    try {
        State::applyManual(null, $s, $e, $at, 7);
    } catch (Calsync\InputException $x) {
        echo get_class($x), ': ', $x->getMessage(), "\n";
    }
}
$booked = State::applyEvent(null, Event::parse(fixture('invitee_created.json')), $at)['facts'];
try {
    State::applyManual($booked, $start, $start + $h, $at, 7);
} catch (Calsync\StateException $x) {
    echo get_class($x), ': ', $x->getMessage(), "\n";
}
try {
    State::applyEvent($a['facts'], Event::parse(fixture('invitee_canceled.json')), $at);
} catch (Calsync\StateException $x) {
    echo get_class($x), ': ', $x->getMessage(), "\n";
}
try {
    State::applyManual(null, $start, $start + $h, PHP_INT_MIN, 7);
} catch (ValueError $x) {
    echo get_class($x), "\n";
}
?>
--EXPECT--
-- created
string(9) "scheduled"
bool(true)
int(7)
NULL
bool(true)
bool(true)
sched_updated_at,start_at,end_at,entered_at,entered_by
-- edited
int(7)
bool(true)
sched_updated_at,start_at,end_at
-- marked
string(8) "attended"
bool(true)
array(0) {
}
-- refused
Calsync\InputException: end must be after start
Calsync\InputException: end must be after start
Calsync\InputException: end is more than 24 hours after start: a session lasts at most 24 hours
Calsync\StateException: a Calendly session: its times and booking belong to Calendly
Calsync\StateException: the session was entered by hand: Calendly has nothing to say about it
ValueError
