--TEST--
Calsync\State: strict facts arrays (ValueError/TypeError naming the key), refused events, mismatches
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\ScheduledEvent;
use Calsync\State;

$ev = Event::parse(fixture('invitee_created.json'));
$row = apply_all(['invitee_created.json']);

echo "-- unknown keys\n";
echo fails(fn() => State::applyEvent(['invitee_url' => 'x'], $ev)), "\n";
echo fails(fn() => State::applyEvent([0 => 'x'], $ev)), "\n";
echo fails(fn() => State::applyEvent($row + ['status' => 'scheduled'], $ev)), "\n";
echo fails(fn() => State::derive(['' => null])), "\n";
echo fails(fn() => State::merge($row, ['id' => 4])), "\n";

echo "-- wrong types\n";
echo fails(fn() => State::applyEvent(['email' => 5], $ev)), "\n";
echo fails(fn() => State::applyEvent(['start_at' => '2026-03-09T16:00:00Z'], $ev)), "\n";
echo fails(fn() => State::applyEvent(['start_at' => 1.5], $ev)), "\n";
echo fails(fn() => State::applyEvent(['booked' => 1], $ev)), "\n";
echo fails(fn() => State::applyEvent(['canceled' => null], $ev)), "\n";
echo fails(fn() => State::applyEvent(['coach_mark_by' => null], $ev)), "\n";
echo fails(fn() => State::applyEvent(['coach_mark_by' => '7'], $ev)), "\n";
echo fails(fn() => State::applyEvent(['coach_mark' => null], $ev)), "\n";
echo fails(fn() => State::applyEvent(['noshow' => true], $ev)), "\n";
echo fails(fn() => State::derive(['name' => ['Ana']])), "\n";
echo fails(fn() => State::merge([], ['email' => new stdClass()])), "\n";

echo "-- bad enum strings\n";
echo fails(fn() => State::applyEvent(['coach_mark' => 'completed'], $ev)), "\n";
echo fails(fn() => State::applyEvent(['coach_mark' => ''], $ev)), "\n";
echo fails(fn() => State::applyEvent(['noshow' => 'maybe'], $ev)), "\n";
echo fails(fn() => State::applyMark($row, 'present', 1, 1)), "\n";
echo fails(fn() => State::applyMark($row, '', 1, 1)), "\n";
echo fails(fn() => State::applyMark($row, "attended\0", 1, 1)), "\n";
echo fails(fn() => State::applyMark($row, 'attended', PHP_INT_MIN, 1)), "\n";

echo "-- refused events\n";
echo fails(fn() => State::applyEvent(null, Event::parse(fixture('other_event.json')))), "\n";
echo fails(fn() => State::applyPeer(null, Event::parse(fixture('other_event.json')))), "\n";
echo fails(fn() => State::applyPeer(null, $ev)), "\n";
echo fails(fn() => State::applyEvent(null, ScheduledEvent::parse(fixture('rest_scheduled_event.json')))), "\n";
echo fails(fn() => State::applyScheduledEvent(null, $ev)), "\n";
echo fails(fn() => State::applyEvent('facts', $ev)), "\n";

echo "-- facts about another invitee or event\n";
$other = apply_all(['reschedule_new_created.json']);
$e = thrown(fn() => State::applyEvent($other, $ev));
echo get_class($e), ' ', $e->getCode(), ' ', $e instanceof Calsync\Exception ? 'is a Calsync\Exception' : '', "\n";
$e = thrown(fn() => State::applyScheduledEvent($other, ScheduledEvent::parse(fixture('rest_scheduled_event.json'))));
echo get_class($e), ' ', str_starts_with($e->getMessage(), 'event_uri: ') ? 'names event_uri' : $e->getMessage(), "\n";
$e = thrown(fn() => State::applyPeer($row, Event::parse(fixture('reschedule_old_canceled.json'))));
echo get_class($e), "\n";
?>
--EXPECT--
-- unknown keys
ValueError: Calsync\State::applyEvent(): Argument #1 ($facts) contains unknown key "invitee_url"
ValueError: Calsync\State::applyEvent(): Argument #1 ($facts) contains unknown key 0
ValueError: Calsync\State::applyEvent(): Argument #1 ($facts) contains unknown key "status"
ValueError: Calsync\State::derive(): Argument #1 ($facts) contains unknown key ""
ValueError: Calsync\State::merge(): Argument #2 ($b) contains unknown key "id"
-- wrong types
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "email" must be of type ?string, int given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "start_at" must be of type ?int, string given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "start_at" must be of type ?int, float given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "booked" must be of type bool, int given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "canceled" must be of type bool, null given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "coach_mark_by" must be of type int, null given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "coach_mark_by" must be of type int, string given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "coach_mark" must be of type string, null given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) key "noshow" must be of type string, bool given
TypeError: Calsync\State::derive(): Argument #1 ($facts) key "name" must be of type ?string, array given
TypeError: Calsync\State::merge(): Argument #2 ($b) key "email" must be of type ?string, stdClass given
-- bad enum strings
ValueError: Calsync\State::applyEvent(): Argument #1 ($facts) key "coach_mark" must be one of "none", "attended", "no_show" or "rescheduled"
ValueError: Calsync\State::applyEvent(): Argument #1 ($facts) key "coach_mark" must be one of "none", "attended", "no_show" or "rescheduled"
ValueError: Calsync\State::applyEvent(): Argument #1 ($facts) key "noshow" must be one of "unknown", "deleted" or "present"
ValueError: Calsync\State::applyMark(): Argument #2 ($mark) must be one of "attended", "no_show", "rescheduled" or "none"
ValueError: Calsync\State::applyMark(): Argument #2 ($mark) must be one of "attended", "no_show", "rescheduled" or "none"
ValueError: Calsync\State::applyMark(): Argument #2 ($mark) must be one of "attended", "no_show", "rescheduled" or "none"
ValueError: Calsync\State::applyMark(): Argument #3 ($at) was refused by the state rules: a mark needs its time
-- refused events
ValueError: Calsync\State::applyEvent(): Argument #2 ($event) must not be an event of kind "other"
ValueError: Calsync\State::applyPeer(): Argument #2 ($event) must name the other end of a reschedule (see peerUri())
ValueError: Calsync\State::applyPeer(): Argument #2 ($event) must name the other end of a reschedule (see peerUri())
TypeError: Calsync\State::applyEvent(): Argument #2 ($event) must be of type Calsync\Event, Calsync\ScheduledEvent given
TypeError: Calsync\State::applyScheduledEvent(): Argument #2 ($event) must be of type Calsync\ScheduledEvent, Calsync\Event given
TypeError: Calsync\State::applyEvent(): Argument #1 ($facts) must be of type ?array, string given
-- facts about another invitee or event
Calsync\StateException -14 is a Calsync\Exception
Calsync\StateException names event_uri
Calsync\StateException
