--TEST--
Calsync\State::emptyFacts() and merge(): the facts array shape, and the join's laws
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\State;

$empty = State::emptyFacts();
dump_flat($empty);

echo "-- the join is commutative, associative, idempotent\n";
$a = apply_all(['invitee_created.json']);
$b = apply_all(['invitee_canceled.json']);
$c = State::applyMark($a, 'attended', us('2026-03-09T17:00:00Z'), 3)['facts'];
$d = apply_all(['no_show_created.json']);
check('commutative', State::merge($a, $b) === State::merge($b, $a));
check('associative', State::merge(State::merge($a, $b), $c) === State::merge($a, State::merge($b, $c)));
check('idempotent', State::merge($a, $a) === $a);
check('empty is the identity', State::merge($a, []) === $a && State::merge($empty, $a) === $a);
check('merge of all equals applying all', State::merge(State::merge($a, $b), $d) == apply_all(['no_show_created.json', 'invitee_canceled.json', 'invitee_created.json']));
echo json_encode(State::derive(State::merge(State::merge($a, $b), $c))), "\n";
check('merge returns facts only', array_keys(State::merge($a, $b)) === array_keys($empty));

echo "-- every permutation of five deliveries, with repeats, gives one result\n";
$names = ['invitee_created.json', 'invitee_canceled.json', 'no_show_created.json', 'no_show_deleted.json', 'invitee_created.json'];
// A named function, not a self-referencing closure: that cycle would be
// reported by valgrind as PHP's own leak at shutdown.
function permutations(array $items): Generator
{
    if (!$items) { yield []; return; }
    foreach ($items as $i => $it) {
        $rest = $items;
        unset($rest[$i]);
        foreach (permutations($rest) as $p) { yield [$it, ...$p]; }
    }
}
$results = [];
$n = 0;
foreach (permutations($names) as $order) { $results[serialize(apply_all($order))] = true; $n++; }
var_dump($n, count($results));

echo "-- mismatch\n";
$e = thrown(fn() => State::merge($a, apply_all(['reschedule_old_canceled.json'])));
echo get_class($e), ' code=', $e->getCode(), ' ', str_starts_with($e->getMessage(), 'invitee_uri: ') ? 'names the field' : $e->getMessage(), "\n";
?>
--EXPECT--
invitee_uri: NULL
booked: false
event_uri: NULL
canceled: false
cancel_at: NULL
cancel_reason: NULL
canceled_by: NULL
canceler_type: NULL
reschedule_canceled: false
rescheduled_to_uri: NULL
rescheduled_from_uri: NULL
coach_mark: 'none'
coach_mark_at: NULL
coach_mark_by: 0
noshow: 'unknown'
noshow_at: NULL
noshow_uri: NULL
noshow_absent_seen_at: NULL
info_updated_at: NULL
info_envelope_at: NULL
email: NULL
name: NULL
timezone: NULL
cancel_url: NULL
reschedule_url: NULL
invitee_created_at: NULL
sched_updated_at: NULL
start_at: NULL
end_at: NULL
event_name: NULL
event_type_uri: NULL
event_status: NULL
location_type: NULL
join_url: NULL
host_email: NULL
host_name: NULL
host_emails: NULL
erased_at: NULL
entered_at: NULL
entered_by: 0
-- the join is commutative, associative, idempotent
commutative: ok
associative: ok
idempotent: ok
empty is the identity: ok
merge of all equals applying all: ok
{"status":"attended","conflict":true,"mark":"attended","attendance_due_at":null,"needs_attendance":false,"counts_alone":true}
merge returns facts only: ok
-- every permutation of five deliveries, with repeats, gives one result
int(120)
int(1)
-- mismatch
Calsync\StateException code=-14 names the field
