--TEST--
Calsync\Event and ScheduledEvent: bad payloads throw PayloadException with the JSON path
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\PayloadException;
use Calsync\ScheduledEvent;

function payload_error(string $label, callable $f): void
{
    $e = thrown($f);
    if (!$e instanceof PayloadException) {
        echo "$label: ", $e ? get_class($e) . ': ' . $e->getMessage() : 'no exception', "\n";
        return;
    }
    // The message is the bare reason: the path is in ->path only, so a
    // caller that writes "path: message" names the field once.
    $repeats = $e->path !== '' && str_contains($e->getMessage(), $e->path);
    $empty = $e->getMessage() === '';
    echo "$label: code=", $e->getCode(), " path='", $e->path, "'", $repeats ? ' (message repeats the path)' : '',
        $empty ? ' (empty message)' : '',
        $e instanceof Calsync\Exception ? '' : ' (not a Calsync\Exception)', "\n";
}

$good = json_decode(fixture('invitee_created.json'), true);
$with = function (callable $edit) use ($good): string { $j = $good; $edit($j); return json_encode($j); };

echo "-- not JSON\n";
payload_error('empty string', fn() => Event::parse(''));
payload_error('white space', fn() => Event::parse("  \n"));
payload_error('plain text', fn() => Event::parse('hello'));
payload_error('truncated', fn() => Event::parse(substr(fixture('invitee_created.json'), 0, 200)));
payload_error('invalid UTF-8', fn() => Event::parse(str_replace('Ana', "A\xffa", fixture('invitee_created.json'))));
payload_error('\u0000 escape', fn() => Event::parse(str_replace('"Ana"', '"A\u0000a"', fixture('invitee_created.json'))));
payload_error('raw NUL after the body', fn() => Event::parse(fixture('invitee_created.json') . "\0"));
payload_error('duplicate key', fn() => Event::parse('{"event":"invitee.created","event":"invitee.canceled"}'));
payload_error('deep nesting', fn() => Event::parse(str_repeat('[', 100000) . str_repeat(']', 100000)));
payload_error('over 16 MiB', fn() => Event::parse(str_repeat(' ', 16 * 1024 * 1024 + 1)));
payload_error('top-level array', fn() => Event::parse('[]'));

echo "-- missing or mistyped fields\n";
payload_error('no event', fn() => Event::parse($with(function (&$j) { unset($j['event']); })));
payload_error('no payload', fn() => Event::parse($with(function (&$j) { unset($j['payload']); })));
payload_error('bad envelope time', fn() => Event::parse($with(function (&$j) { $j['created_at'] = '2026-13-01T00:00:00Z'; })));
payload_error('no uri', fn() => Event::parse($with(function (&$j) { unset($j['payload']['uri']); })));
payload_error('no email', fn() => Event::parse($with(function (&$j) { unset($j['payload']['email']); })));
payload_error('email is a number', fn() => Event::parse($with(function (&$j) { $j['payload']['email'] = 5; })));
payload_error('unknown status', fn() => Event::parse($with(function (&$j) { $j['payload']['status'] = 'weird'; })));
payload_error('rescheduled is a string', fn() => Event::parse($with(function (&$j) { $j['payload']['rescheduled'] = 'yes'; })));
payload_error('no start_time', fn() => Event::parse($with(function (&$j) { unset($j['payload']['scheduled_event']['start_time']); })));
payload_error('start_time not RFC 3339', fn() => Event::parse($with(function (&$j) { $j['payload']['scheduled_event']['start_time'] = 'tomorrow'; })));
payload_error('host e-mail is an array', fn() => Event::parse($with(function (&$j) { $j['payload']['scheduled_event']['event_memberships'][0]['user_email'] = []; })));

echo "-- tolerated\n";
$extra = Event::parse($with(function (&$j) { $j['payload']['a_future_field'] = ['x' => [1, 2]]; $j['another'] = null; }));
check('unknown fields ignored', $extra->toArray() === Event::parse(fixture('invitee_created.json'))->toArray());

echo "-- REST invitee and scheduled event\n";
payload_error('REST invitee: empty', fn() => Event::parseRestInvitee(''));
payload_error('REST invitee: {}', fn() => Event::parseRestInvitee('{}'));
payload_error('REST invitee: a webhook envelope', fn() => Event::parseRestInvitee(fixture('invitee_created.json')));
payload_error('scheduled event: {}', fn() => ScheduledEvent::parse('{}'));
payload_error('scheduled event: no start', fn() => ScheduledEvent::parse('{"resource":{"uri":"https://api.calendly.com/scheduled_events/X"}}'));
payload_error('scheduled event: binary', fn() => ScheduledEvent::parse("\x00\x01\x02"));

echo "-- not parse()d objects\n";
echo fails(fn() => new ScheduledEvent()), "\n";
echo fails(fn() => clone ScheduledEvent::parse(fixture('rest_scheduled_event.json'))), "\n";
echo fails(fn() => Event::parse(['not', 'a', 'string'])), "\n";
?>
--EXPECT--
-- not JSON
empty string: code=-7 path=''
white space: code=-7 path=''
plain text: code=-7 path=''
truncated: code=-7 path=''
invalid UTF-8: code=-7 path=''
\u0000 escape: code=-7 path=''
raw NUL after the body: code=-7 path=''
duplicate key: code=-7 path=''
deep nesting: code=-7 path=''
over 16 MiB: code=-15 path=''
top-level array: code=-8 path=''
-- missing or mistyped fields
no event: code=-8 path='event'
no payload: code=-8 path='payload'
bad envelope time: code=-8 path='created_at'
no uri: code=-8 path='payload.uri'
no email: code=-8 path='payload.email'
email is a number: code=-8 path='payload.email'
unknown status: code=-8 path='payload.status'
rescheduled is a string: code=-8 path='payload.rescheduled'
no start_time: code=-8 path='payload.scheduled_event.start_time'
start_time not RFC 3339: code=-8 path='payload.scheduled_event.start_time'
host e-mail is an array: code=-8 path='payload.scheduled_event.event_memberships[0].user_email'
-- tolerated
unknown fields ignored: ok
-- REST invitee and scheduled event
REST invitee: empty: code=-7 path=''
REST invitee: {}: code=-8 path='uri'
REST invitee: a webhook envelope: code=-8 path='uri'
scheduled event: {}: code=-8 path='uri'
scheduled event: no start: code=-8 path='resource.start_time'
scheduled event: binary: code=-7 path=''
-- not parse()d objects
Error: Call to private Calsync\ScheduledEvent::__construct() from global scope
Error: Trying to clone an uncloneable object of class Calsync\ScheduledEvent
TypeError: Calsync\Event::parse(): Argument #1 ($body) must be of type string, array given
