--TEST--
Calsync\State::chainStanding(): which attended rows count toward progress along reschedule chains
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\State;

function r(string $uri, ?string $to, string $status, ?int $student): array
{
    return ['uri' => $uri, 'rescheduled_to_uri' => $to, 'status' => $status, 'student_id' => $student];
}
function show(array $rows): string
{
    return implode(' ', array_map(fn($b) => $b ? 'counts' : '-', State::chainStanding($rows)));
}

echo "-- one student\n";
echo 'A(att) -> B(att): ', show([r('A', 'B', 'attended', 5), r('B', null, 'attended', 5)]), "\n";
echo 'A(att) -> B(sched): ', show([r('A', 'B', 'attended', 5), r('B', null, 'scheduled', 5)]), "\n";
echo 'A(att) -> B(no_show) -> C(att): ', show([r('A', 'B', 'attended', 5), r('B', 'C', 'no_show', 5), r('C', null, 'attended', 5)]), "\n";
echo 'each status alone: ', show([r('A', null, 'scheduled', 5), r('B', null, 'canceled', 5), r('C', null, 'rescheduled', 5),
    r('D', null, 'attended', 5), r('E', null, 'no_show', 5)]), "\n";

echo "-- other students, no student\n";
echo 'A(att, 5) -> B(att, 6): ', show([r('A', 'B', 'attended', 5), r('B', null, 'attended', 6)]), "\n";
echo 'A(att, 5) -> B(att, 6) -> C(att, 5): ', show([r('A', 'B', 'attended', 5), r('B', 'C', 'attended', 6), r('C', null, 'attended', 5)]), "\n";
echo 'A(att, none) -> B(att, none): ', show([r('A', 'B', 'attended', null), r('B', null, 'attended', null)]), "\n";
echo 'A(att, 5) -> B(att, none): ', show([r('A', 'B', 'attended', 5), r('B', null, 'attended', null)]), "\n";
echo 'missing keys are null: ', show([['uri' => 'A', 'status' => 'attended', 'student_id' => 5], ['uri' => 'B', 'status' => 'attended']]), "\n";

echo "-- the walk: case, missing rows, loops, 20 rows\n";
echo 'URIs compared without case: ', show([r('https://X/A', 'https://x/b', 'attended', 5), r('https://x/B', null, 'attended', 5)]), "\n";
echo 'A -> B missing, C(att): ', show([r('A', 'B', 'attended', 5), r('C', null, 'attended', 5)]), "\n";
echo 'an empty link is no link: ', show([r('A', '', 'attended', 5), r('B', null, 'attended', 5)]), "\n";
echo 'A -> A: ', show([r('A', 'A', 'attended', 5)]), "\n";
echo 'A(att) -> B(sched) -> A: ', show([r('A', 'B', 'attended', 5), r('B', 'A', 'scheduled', 5)]), "\n";
function path(int $k): array
{
    $rows = [];
    for ($i = 0; $i <= $k; $i++) {
        $rows[] = r("R$i", $i < $k ? 'R' . ($i + 1) : null, $i === 0 || $i === $k ? 'attended' : 'scheduled', 5);
    }
    return $rows;
}
echo 'attended 20 rows later: ', State::chainStanding(path(20))[0] ? 'counts' : 'superseded', "\n";
echo 'attended 21 rows later: ', State::chainStanding(path(21))[0] ? 'counts' : 'superseded', "\n";

echo "-- the answer is a list in input order, whatever the keys\n";
var_dump(State::chainStanding(['x' => r('B', null, 'attended', 5), 'y' => r('A', 'B', 'attended', 5)]));
var_dump(State::chainStanding([]));
echo 'extra keys are ignored: ', show([['id' => '12', 'calendly_uri' => 'z'] + r('A', null, 'attended', 5)]), "\n";
echo 'the same row twice: ', show([r('A', 'B', 'attended', 5), r('B', null, 'attended', 5), r('a', 'b', 'attended', 5)]), "\n";

echo "-- the walk the plugin used to do (Progress::superseded), on random tables\n";
/** Progress::superseded over rows in memory: seeds are attended rows with a link. */
function old_superseded(array $rows): array
{
    $by = [];
    foreach ($rows as $row) {
        $by[strtolower($row['uri'])] = $row;
    }
    $out = [];
    foreach ($rows as $i => $seed) {
        if ('attended' !== $seed['status'] || null === $seed['rescheduled_to_uri']) {
            continue;
        }
        $student = (string) $seed['student_id'];
        $next = strtolower($seed['rescheduled_to_uri']);
        $seen = [];
        for ($step = 0; $step < 20; $step++) {
            $row = $by[$next] ?? null;
            if (null === $row || isset($seen[$next])) {
                break;
            }
            if ('attended' === $row['status'] && (string) $row['student_id'] === $student) {
                $out[] = $i;
                break;
            }
            $seen[$next] = true;
            $after = strtolower((string) $row['rescheduled_to_uri']);
            if ('' === $after) {
                break;
            }
            $next = $after;
        }
    }
    return $out;
}
/** Whether following the links from row $i comes back to it within 20 rows. */
function returns_to_itself(array $rows, int $i): bool
{
    $by = [];
    foreach ($rows as $j => $row) {
        $by[strtolower($row['uri'])] = $j;
    }
    $at = $rows[$i]['rescheduled_to_uri'];
    for ($step = 0; $step < 20 && null !== $at; $step++) {
        $j = $by[strtolower($at)] ?? null;
        if (null === $j) {
            return false;
        }
        if ($j === $i) {
            return true;
        }
        $at = $rows[$j]['rescheduled_to_uri'];
    }
    return false;
}
mt_srand(20260309);
$differ = $loops = 0;
$statuses = ['attended', 'attended', 'attended', 'scheduled', 'no_show', 'rescheduled', 'canceled'];
$tables = $agree = $superseded = 0;
for ($k = 0; $k < 2000; $k++) {
    $n = mt_rand(1, 12);
    $ids = range('a', 'p');
    shuffle($ids);
    $rows = [];
    for ($i = 0; $i < $n; $i++) {
        $to = mt_rand(0, 3) ? 'https://api.calendly.com/invitees/' . $ids[mt_rand(0, 15)] : null;
        $uri = 'https://api.calendly.com/invitees/' . $ids[$i];
        $rows[] = r(mt_rand(0, 1) ? strtoupper($uri) : $uri, $to, $statuses[mt_rand(0, 6)], mt_rand(1, 3));
    }
    $counts = State::chainStanding($rows);
    $old = old_superseded($rows);
    $want = [];
    foreach ($rows as $i => $row) {
        $want[] = 'attended' === $row['status'] && !in_array($i, $old, true);
    }
    $tables++;
    $agree += $counts === $want ? 1 : 0;
    $superseded += count($old);
    foreach ($rows as $i => $row) {
        if ($counts[$i] !== $want[$i]) {
            $differ++;
            $loops += returns_to_itself($rows, $i) && $counts[$i] ? 1 : 0;
        }
    }
}
echo "$agree of $tables tables agree with the old walk ($superseded rows superseded)\n";
// The old walk did not count its own row as visited: a chain that led back
// to an attended row superseded that row by itself.  That is the only
// difference: every differing row is such a loop, and now counts.
echo "rows that differ: $differ, each a loop back to itself: ", $differ === $loops ? 'yes' : 'NO', "\n";
// Where they part: a row without a student now counts for nobody (the old
// walk compared '' with '', so one unmatched row superseded another).
$noone = [r('A', 'B', 'attended', null), r('B', null, 'attended', null)];
echo 'no student: old walk supersedes ', json_encode(old_superseded($noone)), ', chainStanding: ', json_encode(State::chainStanding($noone)), "\n";

echo "-- wrong rows\n";
echo fails(fn() => State::chainStanding(['A'])), "\n";
echo fails(fn() => State::chainStanding([['status' => 'attended']])), "\n";
echo fails(fn() => State::chainStanding([r('', null, 'attended', 5)])), "\n";
echo fails(fn() => State::chainStanding([['uri' => 5, 'status' => 'attended']])), "\n";
echo fails(fn() => State::chainStanding([r('A', null, 'completed', 5)])), "\n";
echo fails(fn() => State::chainStanding([['uri' => 'A']])), "\n";
echo fails(fn() => State::chainStanding([r('A', null, 'attended', 5), ['student_id' => '5'] + r('B', null, 'attended', 5)])), "\n";
echo fails(fn() => State::chainStanding([['rescheduled_to_uri' => 7] + r('A', null, 'attended', 5)])), "\n";
echo fails(fn() => State::chainStanding([r('A', 'B', 'attended', 5), r('a', null, 'attended', 5)])), "\n";
$many = [];
for ($i = 0; $i <= 1000; $i++) {
    $many[] = r("R$i", null, 'attended', 1);
}
echo fails(fn() => State::chainStanding($many)), "\n";
array_pop($many);
echo 'exactly 1000 rows: ', count(array_filter(State::chainStanding($many))), " count\n";
?>
--EXPECT--
-- one student
A(att) -> B(att): - counts
A(att) -> B(sched): counts -
A(att) -> B(no_show) -> C(att): - - counts
each status alone: - - - counts -
-- other students, no student
A(att, 5) -> B(att, 6): counts counts
A(att, 5) -> B(att, 6) -> C(att, 5): - counts counts
A(att, none) -> B(att, none): - -
A(att, 5) -> B(att, none): counts -
missing keys are null: counts -
-- the walk: case, missing rows, loops, 20 rows
URIs compared without case: - counts
A -> B missing, C(att): counts counts
an empty link is no link: counts counts
A -> A: counts
A(att) -> B(sched) -> A: counts -
attended 20 rows later: superseded
attended 21 rows later: counts
-- the answer is a list in input order, whatever the keys
array(2) {
  [0]=>
  bool(true)
  [1]=>
  bool(false)
}
array(0) {
}
extra keys are ignored: counts
the same row twice: - counts -
-- the walk the plugin used to do (Progress::superseded), on random tables
1654 of 2000 tables agree with the old walk (791 rows superseded)
rows that differ: 395, each a loop back to itself: yes
no student: old walk supersedes [0], chainStanding: [false,false]
-- wrong rows
TypeError: Calsync\State::chainStanding(): Argument #1 ($rows) must contain only arrays, string given at position 0
ValueError: Calsync\State::chainStanding(): Argument #1 ($rows) row 0 must have a non-empty string "uri"
ValueError: Calsync\State::chainStanding(): Argument #1 ($rows) row 0 must have a non-empty string "uri"
ValueError: Calsync\State::chainStanding(): Argument #1 ($rows) row 0 must have a non-empty string "uri"
ValueError: Calsync\State::chainStanding(): Argument #1 ($rows) row 0 key "status" must be one of "scheduled", "canceled", "rescheduled", "attended" or "no_show"
ValueError: Calsync\State::chainStanding(): Argument #1 ($rows) row 0 key "status" must be one of "scheduled", "canceled", "rescheduled", "attended" or "no_show"
TypeError: Calsync\State::chainStanding(): Argument #1 ($rows) row 1 key "student_id" must be of type ?int, string given
TypeError: Calsync\State::chainStanding(): Argument #1 ($rows) row 0 key "rescheduled_to_uri" must be of type ?string, int given
ValueError: Calsync\State::chainStanding(): Argument #1 ($rows) was refused by the chain rule: rows 0 and 1 have the same uri a but differ
ValueError: Calsync\State::chainStanding(): Argument #1 ($rows) was refused by the chain rule: 1001 rows: at most 1000 can be judged in one call
exactly 1000 rows: 1000 count
