--TEST--
bench/php's pure-PHP pipeline gives exactly the extension's results on every webhook fixture (the benchmark compares like with like)
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
require __DIR__ . '/../../bench/php/PurePhpPipeline.php';
use Calsync\Event;
use Calsync\Signature;
use Calsync\State;
use CalsyncBench\PurePhpPipeline;

$now = 1773100000000000;
$stored = State::applyEvent(null, Event::parse(fixture('invitee_created.json')), $now)['facts'];
$marked = State::applyMark($stored, 'no_show', us('2026-03-09T16:50:00Z'), 4)['facts'];
foreach ([false => 'idiomatic', true => 'tuned'] as $fast => $name) {
    $pure = new PurePhpPipeline((bool)$fast);
    foreach (['invitee_created.json', 'invitee_canceled.json', 'reschedule_old_canceled.json', 'reschedule_new_created.json',
              'no_show_created.json', 'no_show_deleted.json', 'invitee_created_no_scheduled_event.json', 'other_event.json'] as $f) {
        $body = fixture($f);
        $ev = Event::parse($body);
        $arr = $pure->parse($body);
        $same = $arr === $ev->toArray();
        if ($ev->kind() !== 'other') {
            foreach ([null, $stored, $marked] as $facts) {
                if (($facts['invitee_uri'] ?? $ev->inviteeUri()) !== $ev->inviteeUri()) { continue; }
                $same = $same && $pure->applyEvent($facts, $arr, $now) === State::applyEvent($facts, $ev, $now);
            }
        }
        $h = Signature::sign($body, TEST_KEY, 1772463845);
        $same = $same && $pure->verify($h, $body, [TEST_KEY], 1772463845) === Signature::verify($h, $body, [TEST_KEY], 1772463845);
        echo "$name $f: ", $same ? 'same' : 'DIFFERENT', "\n";
    }
}
?>
--EXPECT--
idiomatic invitee_created.json: same
idiomatic invitee_canceled.json: same
idiomatic reschedule_old_canceled.json: same
idiomatic reschedule_new_created.json: same
idiomatic no_show_created.json: same
idiomatic no_show_deleted.json: same
idiomatic invitee_created_no_scheduled_event.json: same
idiomatic other_event.json: same
tuned invitee_created.json: same
tuned invitee_canceled.json: same
tuned reschedule_old_canceled.json: same
tuned reschedule_new_created.json: same
tuned no_show_created.json: same
tuned no_show_deleted.json: same
tuned invitee_created_no_scheduled_event.json: same
tuned other_event.json: same
