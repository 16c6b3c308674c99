--TEST--
Calsync\ScheduledEvent::parse(), uri(), toArray(): REST scheduled events for look-ups and back-fill
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\ScheduledEvent;

const API_USER = 'https://api.calendly.com/users/';

$se = ScheduledEvent::parse(fixture('rest_scheduled_event.json'));
var_dump($se->uri());
dump_flat($se->toArray());

$json = json_decode(fixture('rest_scheduled_event.json'), true)['resource'];
check('bare object parses the same', ScheduledEvent::parse(json_encode($json))->toArray() === $se->toArray());
check('same shape as an embedded scheduled_event',
    array_keys(Calsync\Event::parse(fixture('invitee_created.json'))->toArray()['scheduled_event']) === array_keys($se->toArray()));

echo "-- optional parts absent\n";
unset($json['event_type'], $json['location'], $json['updated_at'], $json['name']);
$json['event_memberships'] = [];
dump_flat(array_intersect_key(ScheduledEvent::parse(json_encode($json))->toArray(),
    array_flip(['name', 'event_type', 'location_type', 'join_url', 'hosts', 'updated_at'])));

echo "-- many hosts: capped\n";
$json['event_memberships'] = array_map(fn($i) => ['user' => API_USER . $i, 'user_email' => "h$i@example.org", 'user_name' => "Host $i"], range(1, 12));
$hosts = ScheduledEvent::parse(json_encode($json))->toArray()['hosts'];
var_dump(count($hosts), $hosts[0]['email'], end($hosts)['email']);
?>
--EXPECT--
string(78) "https://api.calendly.com/scheduled_events/d06edd78-d79d-4ab7-ac28-49e99b4d111a"
uri: 'https://api.calendly.com/scheduled_events/d06edd78-d79d-4ab7-ac28-49e99b4d111a'
uuid: 'd06edd78-d79d-4ab7-ac28-49e99b4d111a'
name: 'Coaching session'
status: 'active'
start_time: 1773072000000000
end_time: 1773074700000000
event_type: 'https://api.calendly.com/event_types/e0d11a45-b02f-431d-9c7f-32715b5d9c45'
location_type: 'zoom'
join_url: 'https://us02web.zoom.us/j/81234567890?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ'
hosts.0.user_uri: 'https://api.calendly.com/users/203ff10f-63af-43cb-b391-65ce304e0aa2'
hosts.0.email: 'lee.coach@example.org'
hosts.0.name: 'Jordan Lee'
created_at: 1772463844850000
updated_at: 1772463846100000
bare object parses the same: ok
same shape as an embedded scheduled_event: ok
-- optional parts absent
name: NULL
event_type: NULL
location_type: NULL
join_url: NULL
hosts: []
updated_at: NULL
-- many hosts: capped
int(8)
string(14) "h1@example.org"
string(14) "h8@example.org"
