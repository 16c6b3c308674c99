--TEST--
Calsync\State::applyMark(), derive(), normalizeStatus(): the coach's word, stale marks, echoes, conflicts
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\State;

$row = apply_all(['invitee_created.json']);
$t = us('2026-03-09T17:00:00Z');

echo "-- marks\n";
$a = State::applyMark($row, 'attended', $t, 7);
outcome_line('attended', $a);
var_dump($a['changes']['coach_mark'], $a['facts']['coach_mark_by'], $a['facts']['coach_mark_at'] === $t);
$stale = State::applyMark($a['facts'], 'no_show', $t - 1, 8);
outcome_line('an older no-show', $stale);
check('older mark leaves the facts alone', $stale['facts'] === $a['facts']);
$later = State::applyMark($a['facts'], 'no_show', $t + 1, 8);
outcome_line('a later no-show', $later);
$cleared = State::applyMark($later['facts'], 'none', $t + 2, 8);
outcome_line('cleared', $cleared);
$re = State::applyMark($row, 'rescheduled', $t, 7);
outcome_line('rescheduled mark', $re);
check('same mark twice is a no-op', State::applyMark($a['facts'], 'attended', $t, 7)['changes'] === []);

echo "-- a cancel after the mark: kept as a fact, shown as a conflict\n";
$c = State::applyEvent($a['facts'], Event::parse(fixture('invitee_canceled.json')), $t);
outcome_line('canceled after attended', $c);

echo "-- two-way no-show: Calendly echoing the coach\n";
$coachNoShow = State::applyMark($row, 'no_show', us('2026-03-09T16:50:00Z'), 7);
outcome_line('coach no-show', $coachNoShow);
$echo = State::applyEvent($coachNoShow['facts'], Event::parse(fixture('no_show_created.json')), $t);
outcome_line('Calendly no-show after it', $echo);
var_dump($echo['facts']['noshow_uri'] !== null);
// Calendly's "unmark" clears a no-show but never an "attended".
$att = State::applyMark($row, 'attended', us('2026-03-09T16:50:00Z'), 7);
$unmark = State::applyEvent($att['facts'], Event::parse(fixture('no_show_deleted.json')), $t);
outcome_line('Calendly unmark after attended', $unmark);
// A coach mark older than Calendly's report is recorded as stale.
$ns = apply_all(['invitee_created.json', 'no_show_created.json']);
outcome_line('coach attended before the Calendly no-show', State::applyMark($ns, 'attended', us('2026-03-09T16:00:00Z'), 7));
outcome_line('coach attended after it', State::applyMark($ns, 'attended', $t, 7));

echo "-- derive\n";
var_dump(State::derive($c['facts']));
var_dump(State::derive([]));
echo json_encode(State::derive(apply_all(['reschedule_old_canceled.json']))), "\n";
echo json_encode(State::derive($echo['facts'])), "\n";
echo json_encode(State::derive($ns)), "\n";

echo "-- normalizeStatus\n";
foreach (['scheduled', 'canceled', 'rescheduled', 'attended', 'no_show', 'completed', 'cancelled', 'no show',
          'no-show', '  Completed ', 'NO SHOW', 'Scheduled', '', 'done', "attended\0", "\xff"] as $s) {
    echo json_encode($s, JSON_INVALID_UTF8_SUBSTITUTE), ' => ', var_export(State::normalizeStatus($s), true), "\n";
}
?>
--EXPECT--
-- marks
attended: scheduled -> attended changed=coach_mark,coach_mark_at,coach_mark_by
array(2) {
  [0]=>
  string(4) "none"
  [1]=>
  string(8) "attended"
}
int(7)
bool(true)
an older no-show: attended -> attended notes=stale_mark changed=-
older mark leaves the facts alone: ok
a later no-show: attended -> no_show changed=coach_mark,coach_mark_at,coach_mark_by
cleared: no_show -> scheduled changed=coach_mark,coach_mark_at
rescheduled mark: scheduled -> rescheduled changed=coach_mark,coach_mark_at,coach_mark_by
same mark twice is a no-op: ok
-- a cancel after the mark: kept as a fact, shown as a conflict
canceled after attended: attended -> attended CONFLICT notes=conflict changed=canceled,cancel_at,cancel_reason,canceled_by,canceler_type,info_updated_at,info_envelope_at,sched_updated_at,event_status
-- two-way no-show: Calendly echoing the coach
coach no-show: scheduled -> no_show changed=coach_mark,coach_mark_at,coach_mark_by
Calendly no-show after it: no_show -> no_show notes=echo changed=noshow,noshow_at,noshow_uri,info_updated_at,info_envelope_at
bool(true)
Calendly unmark after attended: attended -> attended notes=echo changed=noshow,noshow_at,info_updated_at,info_envelope_at
coach attended before the Calendly no-show: no_show -> no_show notes=stale_mark changed=coach_mark,coach_mark_at,coach_mark_by
coach attended after it: no_show -> attended changed=coach_mark,coach_mark_at,coach_mark_by
-- derive
array(6) {
  ["status"]=>
  string(8) "attended"
  ["conflict"]=>
  bool(true)
  ["mark"]=>
  string(8) "attended"
  ["attendance_due_at"]=>
  NULL
  ["needs_attendance"]=>
  bool(false)
  ["counts_alone"]=>
  bool(true)
}
array(6) {
  ["status"]=>
  string(9) "scheduled"
  ["conflict"]=>
  bool(false)
  ["mark"]=>
  string(4) "none"
  ["attendance_due_at"]=>
  NULL
  ["needs_attendance"]=>
  bool(false)
  ["counts_alone"]=>
  bool(false)
}
{"status":"rescheduled","conflict":false,"mark":"none","attendance_due_at":null,"needs_attendance":false,"counts_alone":false}
{"status":"no_show","conflict":false,"mark":"no_show","attendance_due_at":null,"needs_attendance":false,"counts_alone":false}
{"status":"no_show","conflict":false,"mark":"no_show","attendance_due_at":null,"needs_attendance":false,"counts_alone":false}
-- normalizeStatus
"scheduled" => 'scheduled'
"canceled" => 'canceled'
"rescheduled" => 'rescheduled'
"attended" => 'attended'
"no_show" => 'no_show'
"completed" => 'attended'
"cancelled" => 'canceled'
"no show" => 'no_show'
"no-show" => 'no_show'
"  Completed " => 'attended'
"NO SHOW" => 'no_show'
"Scheduled" => 'scheduled'
"" => NULL
"done" => NULL
"attended\u0000" => NULL
"\ufffd" => NULL
