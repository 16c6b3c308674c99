--TEST--
Calsync\State::applyMark() with $twoWayNoShow: the Calendly no-show to create or delete, as outbound actions
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\State;

$now = 1773100000000000;
$row = apply_all(['invitee_created.json']);
$t = us('2026-03-09T17:00:00Z');

function actions(array $a): string
{
    if ($a['outbound'] === []) {
        return '-';
    }
    return implode('; ', array_map(fn($x) => $x['action'] . ' ' . basename($x['invitee_uri']) . ' no_show_uri=' .
        ($x['no_show_uri'] === null ? 'null' : basename($x['no_show_uri'])), $a['outbound']));
}

echo "-- off by default, and off when asked off\n";
echo 'no_show, four arguments: ', actions(State::applyMark($row, 'no_show', $t, 7)), "\n";
echo 'no_show, two-way off: ', actions(State::applyMark($row, 'no_show', $t, 7, false)), "\n";

echo "-- create\n";
$ns = State::applyMark($row, 'no_show', $t, 7, true);
echo 'coach no_show: ', actions($ns), "\n";
check('the invitee URI is the facts\' own', $ns['outbound'][0]['invitee_uri'] === $row['invitee_uri']);
echo 'the same no_show again: ', actions(State::applyMark($ns['facts'], 'no_show', $t + 1, 8, true)), "\n";
echo 'an older (stale) attended: ', actions(State::applyMark($ns['facts'], 'attended', $t - 1, 8, true)), "\n";

echo "-- delete, before the echo (no URI known) and after it\n";
echo 'attended before the echo: ', actions(State::applyMark($ns['facts'], 'attended', $t + 1, 7, true)), "\n";
echo 'cleared before the echo: ', actions(State::applyMark($ns['facts'], 'none', $t + 1, 7, true)), "\n";
$echo = State::applyEvent($ns['facts'], Event::parse(fixture('no_show_created.json')), $now);
echo 'Calendly reports the no-show (older than the mark): notes=', implode(',', $echo['notes']), ' outbound=', json_encode($echo['outbound']), "\n";
$del = State::applyMark($echo['facts'], 'attended', $now + 1, 7, true);
echo 'attended after the echo: ', actions($del), "\n";
check('the no-show URI is the one Calendly reported', $del['outbound'][0]['no_show_uri'] === $echo['facts']['noshow_uri']);

echo "-- Calendly's own no-show first: the coach's agreement sends nothing\n";
$cal = apply_all(['invitee_created.json', 'no_show_created.json']);
echo 'coach no_show after Calendly\'s: ', actions(State::applyMark($cal, 'no_show', $now, 7, true)), "\n";
echo 'coach attended after Calendly\'s: ', actions(State::applyMark($cal, 'attended', $now, 7, true)), "\n";

echo "-- no invitee URI (a session entered by hand): nothing to tell Calendly\n";
$hand = ['invitee_uri' => null, 'start_at' => 1, 'end_at' => 2];
echo 'null URI: ', actions(State::applyMark($hand, 'no_show', $t, 7, true)), "\n";
echo 'empty URI: ', actions(State::applyMark(['invitee_uri' => ''] + $hand, 'no_show', $t, 7, true)), "\n";
echo 'no key: ', actions(State::applyMark([], 'no_show', $t, 7, true)), "\n";

echo "-- the rule the plugin used to apply (Attendance::mark), over many rows and marks\n";
function old_rule(array $facts, array $result, bool $two_way): array
{
    $before = State::derive($facts);
    $after = State::derive($result['facts']);
    $uri = $facts['invitee_uri'] ?? null;
    if (!$two_way || !is_string($uri) || '' === $uri) {
        return [];
    }
    if ('no_show' === $after['mark'] && 'no_show' !== $before['mark'] && empty($result['facts']['noshow_uri'])) {
        return [['action' => 'create_no_show', 'invitee_uri' => $uri, 'no_show_uri' => null]];
    }
    if ('no_show' === $before['mark'] && 'no_show' !== $after['mark']) {
        $known = $result['facts']['noshow_uri'] ?? null;
        return [['action' => 'delete_no_show', 'invitee_uri' => $uri, 'no_show_uri' => '' === $known ? null : $known]];
    }
    return [];
}
$starts = [$row, $cal, $ns['facts'], $echo['facts'], $del['facts'],
           apply_all(['invitee_created.json', 'no_show_created.json', 'no_show_deleted.json']),
           State::applyMark($cal, 'attended', $now, 7)['facts'], $hand];
$n = $same = 0;
$kinds = [];
foreach ($starts as $facts) {
    foreach (['none', 'attended', 'no_show', 'rescheduled'] as $mark) {
        foreach ([$t - 3600000000, $t, $now + 5] as $at) {
            foreach ([false, true] as $two_way) {
                $r = State::applyMark($facts, $mark, $at, 9, $two_way);
                $n++;
                $same += $r['outbound'] === old_rule($facts, $r, $two_way) ? 1 : 0;
                foreach ($r['outbound'] as $a) {
                    $kinds[$a['action']] = true;
                }
            }
        }
    }
}
echo "$same of $n agree; actions seen: ", implode(',', array_keys($kinds)), "\n";

echo "-- wrong arguments\n";
echo fails(fn() => State::applyMark($row, 'no_show', $t, 7, [])), "\n";
echo fails(fn() => State::applyMark($row, 'no_show', $t, 7, true, 1)), "\n";
?>
--EXPECT--
-- off by default, and off when asked off
no_show, four arguments: -
no_show, two-way off: -
-- create
coach no_show: create_no_show bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2 no_show_uri=null
the invitee URI is the facts' own: ok
the same no_show again: -
an older (stale) attended: -
-- delete, before the echo (no URI known) and after it
attended before the echo: delete_no_show bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2 no_show_uri=null
cleared before the echo: delete_no_show bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2 no_show_uri=null
Calendly reports the no-show (older than the mark): notes=stale_mark outbound=[]
attended after the echo: delete_no_show bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2 no_show_uri=52999e2b-cc12-4954-b330-c873c4044838
the no-show URI is the one Calendly reported: ok
-- Calendly's own no-show first: the coach's agreement sends nothing
coach no_show after Calendly's: -
coach attended after Calendly's: delete_no_show bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2 no_show_uri=52999e2b-cc12-4954-b330-c873c4044838
-- no invitee URI (a session entered by hand): nothing to tell Calendly
null URI: -
empty URI: -
no key: -
-- the rule the plugin used to apply (Attendance::mark), over many rows and marks
192 of 192 agree; actions seen: create_no_show,delete_no_show
-- wrong arguments
TypeError: Calsync\State::applyMark(): Argument #5 ($twoWayNoShow) must be of type bool, array given
ArgumentCountError: Calsync\State::applyMark() expects at most 5 arguments, 6 given
