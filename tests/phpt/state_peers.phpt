--TEST--
Calsync\Event::peerUris() and State::applyPeer($facts, $event, $peerUri): a canceled reschedule names both of its ends
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\State;

// I1 -> I2 -> I3, every delivery of I1 -> I2 lost: I2's cancellation names
// I3 (the invitee it was rescheduled to) and I1 (the one it came from).
$d = json_decode(fixture('reschedule_old_canceled.json'), true);
$i2 = $d['payload']['uri'];
$i3 = $d['payload']['new_invitee'];
$i1 = 'https://api.calendly.com/scheduled_events/0e7c2c55-6f1c-4d8a-9b1f-1b2c3d4e5f60/invitees/1a2b3c4d-0000-4000-8000-000000000001';
$d['payload']['old_invitee'] = $i1;
$ev = Event::parse(json_encode($d));

check('peerUris: the newer end first, then the older', $ev->peerUris() === [$i3, $i1]);
check('peerUri is the first of them', $ev->peerUri() === $i3);

$to = State::applyPeer(null, $ev, $i3);
check('I3 was rescheduled from I2', $to['facts']['rescheduled_from_uri'] === $i2 && $to['facts']['invitee_uri'] === $i3);
check('the default peer is the first', State::applyPeer(null, $ev)['facts'] == $to['facts']);

$booked = State::applyEvent(null, Event::parse(fixture('invitee_created.json')))['facts'];
$booked['invitee_uri'] = $i1;
$from = State::applyPeer($booked, $ev, $i1);
outcome_line('I1, booked, named as the older end', $from);
check('I1 was rescheduled to I2', $from['facts']['rescheduled_to_uri'] === $i2 && $from['facts']['reschedule_canceled']);

echo fails(fn() => State::applyPeer(null, $ev, $i2)), "\n";
echo fails(fn() => State::applyPeer(null, $ev, 'https://api.calendly.com/x')), "\n";

// An invitee.created names only the invitee it was rescheduled from.
$n = json_decode(fixture('reschedule_new_created.json'), true);
$n['payload']['new_invitee'] = $i1;
check('a booking names one peer', Event::parse(json_encode($n))->peerUris() === [$n['payload']['old_invitee']]);
// The same invitee as both ends is one peer.
$d['payload']['old_invitee'] = $i3;
check('the same invitee twice is one peer', Event::parse(json_encode($d))->peerUris() === [$i3]);
check('a plain booking names none', Event::parse(fixture('invitee_created.json'))->peerUris() === []);
?>
--EXPECTF--
peerUris: the newer end first, then the older: ok
peerUri is the first of them: ok
I3 was rescheduled from I2: ok
the default peer is the first: ok
I1, booked, named as the older end: %s -> rescheduled changed=%s
I1 was rescheduled to I2: ok
ValueError: Calsync\State::applyPeer(): Argument #3 ($peerUri) must be one of the event's peerUris()
ValueError: Calsync\State::applyPeer(): Argument #3 ($peerUri) must be one of the event's peerUris()
a booking names one peer: ok
the same invitee twice is one peer: ok
a plain booking names none: ok
