--TEST--
Calsync\State::applyErasure() and the erased_at key: personal facts stay empty whatever arrives later
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\ScheduledEvent;
use Calsync\State;

const PERSONAL = ['email', 'name', 'timezone', 'cancel_url', 'reschedule_url', 'cancel_reason', 'canceled_by'];

/** The personal facts that are present, or "none". */
function personal(array $facts): string
{
    $left = array_filter(array_intersect_key($facts, array_flip(PERSONAL)), fn($v) => $v !== null);
    return $left ? implode(',', array_keys($left)) : 'none';
}

function without_personal(array $facts): array
{
    return array_diff_key($facts, array_flip([...PERSONAL, 'erased_at']));
}

$now = 1773100000000000;
$t = us('2026-03-05T09:00:00Z');
$ev = fn(string $name) => Event::parse(fixture($name));

echo "-- the key\n";
$empty = State::emptyFacts();
var_dump(array_key_exists('erased_at', $empty), $empty['erased_at']);
$row = apply_all(['invitee_created.json', 'invitee_canceled.json']);
echo 'before: ', personal($row), "\n";
$legacy = $row;
unset($legacy['erased_at']);
check('a facts array without erased_at is read as not erased',
    State::applyEvent($legacy, $ev('no_show_created.json'), $now) === State::applyEvent($row, $ev('no_show_created.json'), $now));
check('erased_at comes back as an int', is_int(State::applyErasure($row, $t)['facts']['erased_at']));

echo "-- an erasure\n";
$er = State::applyErasure($row, $t);
outcome_line('erased', $er);
echo 'after: ', personal($er['facts']), "\n";
var_dump($er['facts']['erased_at'] === $t, $er['changes']['erased_at'][0], $er['changes']['email'], $er['changes']['canceled_by']);
check('every other fact is kept', without_personal($er['facts']) === without_personal($row));
$again = State::applyErasure($er['facts'], $t + 1);
check('erasing again changes nothing', $again['changes'] === [] && $again['facts'] === $er['facts']);
outcome_line('an earlier erasure', State::applyErasure($er['facts'], $t - 1));

echo "-- later deliveries for an invitee erased right after booking\n";
$facts = State::applyErasure(apply_all(['invitee_created.json']), $t)['facts'];
$restJson = str_replace('"updated_at": "2026-03-02T15:04:05.000000Z"', '"updated_at": "2026-03-10T10:00:00.000000Z"',
    fixture('rest_invitee.json'));
foreach ([['invitee.canceled', $ev('invitee_canceled.json')], ['invitee_no_show.created', $ev('no_show_created.json')],
          ['REST invitee', Event::parseRestInvitee($restJson)], ['a late invitee.created', $ev('invitee_created.json')]]
         as [$label, $event]) {
    $r = State::applyEvent($facts, $event, $now);
    outcome_line($label, $r);
    echo '  personal: ', personal($r['facts']), "\n";
    $facts = $r['facts'];
}
var_dump($facts['canceler_type'], $facts['noshow'], $facts['info_updated_at'] === us('2026-03-10T10:00:00Z'));
$sched = State::applyScheduledEvent($facts, ScheduledEvent::parse(fixture('rest_scheduled_event.json')));
outcome_line('REST scheduled event', $sched);
echo '  personal: ', personal($sched['facts']), ', host: ', $sched['facts']['host_email'], "\n";
$mark = State::applyMark($facts, 'attended', us('2026-03-10T11:00:00Z'), 7);
outcome_line('coach mark', $mark);
echo '  personal: ', personal($mark['facts']), "\n";
$fresh = apply_all(['invitee_created.json']);
$m = State::merge($mark['facts'], $fresh);
echo 'merge: personal ', personal($m), ', erased_at ', var_export($m['erased_at'] === $t, true), "\n";
check('merge is commutative with an erased side', $m === State::merge($fresh, $mark['facts']));

echo "-- erased before the cancel arrives: the cancel applies, its personal details do not\n";
$first = State::applyErasure(apply_all(['invitee_created.json']), $t);
$c = State::applyEvent($first['facts'], $ev('invitee_canceled.json'), $now);
outcome_line('cancel after erasure', $c);
var_dump($c['facts']['canceled'], $c['facts']['canceler_type'], $c['facts']['cancel_reason'], $c['facts']['canceled_by']);
check('erasure and cancel commute', State::applyErasure(apply_all(['invitee_created.json', 'invitee_canceled.json']), $t)['facts'] === $c['facts']);

echo "-- the old end of a reschedule, erased, still gets its link\n";
$old = State::applyErasure(apply_all(['reschedule_old_canceled.json']), $t);
$p = State::applyPeer($old['facts'], $ev('reschedule_new_created.json'));
outcome_line('peer', $p);
echo '  personal: ', personal($p['facts']), "\n";
$p = State::applyPeer(State::applyErasure(apply_all(['reschedule_new_created.json']), $t)['facts'], $ev('reschedule_old_canceled.json'));
echo 'new end: personal ', personal($p['facts']), ', from ', $p['facts']['rescheduled_from_uri'] !== null ? 'linked' : 'not linked', "\n";

echo "-- a row the eraser only tombstoned (erased_at set, personal values left)\n";
$tomb = $row;
$tomb['erased_at'] = $t;
$r = State::applyEvent($tomb, $ev('no_show_created.json'), $now);
outcome_line('no-show on a tombstone', $r);
var_dump($r['changes']['email'], personal($r['facts']));
echo json_encode(State::derive($tomb)), "\n";
echo 'merge: ', personal(State::merge($tomb, [])), "\n";

echo "-- wrong arguments\n";
echo fails(fn() => State::applyErasure($row, 'soon')), "\n";
echo fails(fn() => State::applyErasure(null, $t)), "\n";
echo fails(fn() => State::applyErasure($row)), "\n";
echo fails(fn() => State::applyErasure($row, PHP_INT_MIN)), "\n";
echo fails(fn() => State::applyErasure(['erased_at' => 'yesterday'], $t)), "\n";
echo fails(fn() => State::applyErasure(['erased_at' => 1.5], $t)), "\n";
echo fails(fn() => State::applyEvent(['erased_at' => true], $ev('invitee_created.json'))), "\n";
echo fails(fn() => State::merge([], ['erased_at' => '1'])), "\n";
echo fails(fn() => State::applyErasure(['erased' => $t], $t)), "\n";
echo fails(fn() => State::applyErasure(apply_all(['reschedule_new_created.json']) + ['x' => 1], $t)), "\n";
?>
--EXPECT--
-- the key
bool(true)
NULL
before: cancel_reason,canceled_by,email,name,timezone,cancel_url,reschedule_url
a facts array without erased_at is read as not erased: ok
erased_at comes back as an int: ok
-- an erasure
erased: canceled -> canceled changed=cancel_reason,canceled_by,email,name,timezone,cancel_url,reschedule_url,erased_at
after: none
bool(true)
NULL
array(2) {
  [0]=>
  string(20) "ana.ruiz@example.org"
  [1]=>
  NULL
}
array(2) {
  [0]=>
  string(9) "Ana Ruíz"
  [1]=>
  NULL
}
every other fact is kept: ok
erasing again changes nothing: ok
an earlier erasure: canceled -> canceled changed=erased_at
-- later deliveries for an invitee erased right after booking
invitee.canceled: scheduled -> canceled changed=canceled,cancel_at,canceler_type,info_updated_at,info_envelope_at,sched_updated_at,event_status
  personal: none
invitee_no_show.created: canceled -> no_show CONFLICT notes=conflict,no_revive,stale_info changed=noshow,noshow_at,noshow_uri,info_updated_at,info_envelope_at
  personal: none
REST invitee: no_show -> canceled notes=no_revive changed=noshow_absent_seen_at,info_updated_at,info_envelope_at
  personal: none
a late invitee.created: canceled -> canceled notes=no_revive,stale_info changed=-
  personal: none
string(7) "invitee"
string(7) "present"
bool(true)
REST scheduled event: canceled -> canceled notes=stale_info changed=-
  personal: none, host: lee.coach@example.org
coach mark: canceled -> attended CONFLICT notes=conflict changed=coach_mark,coach_mark_at,coach_mark_by
  personal: none
merge: personal none, erased_at true
merge is commutative with an erased side: ok
-- erased before the cancel arrives: the cancel applies, its personal details do not
cancel after erasure: scheduled -> canceled changed=canceled,cancel_at,canceler_type,info_updated_at,info_envelope_at,sched_updated_at,event_status
bool(true)
string(7) "invitee"
NULL
NULL
erasure and cancel commute: ok
-- the old end of a reschedule, erased, still gets its link
peer: rescheduled -> rescheduled changed=-
  personal: none
new end: personal none, from linked
-- a row the eraser only tombstoned (erased_at set, personal values left)
no-show on a tombstone: canceled -> no_show CONFLICT notes=conflict,no_revive,stale_info changed=cancel_reason,canceled_by,noshow,noshow_at,noshow_uri,info_updated_at,info_envelope_at,email,name,timezone,cancel_url,reschedule_url
array(2) {
  [0]=>
  string(20) "ana.ruiz@example.org"
  [1]=>
  NULL
}
string(4) "none"
{"status":"canceled","conflict":false,"mark":"none","attendance_due_at":null,"needs_attendance":false,"counts_alone":false}
merge: none
-- wrong arguments
TypeError: Calsync\State::applyErasure(): Argument #2 ($at) must be of type int, string given
TypeError: Calsync\State::applyErasure(): Argument #1 ($facts) must be of type array, null given
ArgumentCountError: Calsync\State::applyErasure() expects exactly 2 arguments, 1 given
ValueError: Calsync\State::applyErasure(): Argument #2 ($at) was refused by the state rules: an erasure needs its time
TypeError: Calsync\State::applyErasure(): Argument #1 ($facts) key "erased_at" must be of type ?int, string given
TypeError: Calsync\State::applyErasure(): Argument #1 ($facts) key "erased_at" must be of type ?int, float given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "erased_at" must be of type ?int, bool given
TypeError: Calsync\State::merge(): Argument #2 ($b) key "erased_at" must be of type ?int, string given
ValueError: Calsync\State::applyErasure(): Argument #1 ($facts) contains unknown key "erased"
ValueError: Calsync\State::applyErasure(): Argument #1 ($facts) contains unknown key "x"
