--TEST--
Calsync\Event::webhookEvents(): the Calendly event names the core handles, from its one kind table
--EXTENSIONS--
calsync
--FILE--
<?php
// SPDX-License-Identifier: MIT
$names = Calsync\Event::webhookEvents();
var_dump($names);
// Each name parses to a kind of its own: the list and the parser read one table.
$kinds = [];
foreach ($names as $name) {
    $body = json_encode(['event' => $name, 'created_at' => '2026-01-01T00:00:00.000000Z', 'created_by' => 'https://api.calendly.com/users/U', 'payload' => []]);
    try {
        $kinds[] = Calsync\Event::parse($body)->kind();
    } catch (Calsync\PayloadException $e) {
        $kinds[] = 'refused:' . $e->path; // a payload without its fields: still not "other"
    }
}
var_dump(in_array('other', $kinds, true));
?>
--EXPECT--
array(4) {
  [0]=>
  string(15) "invitee.created"
  [1]=>
  string(16) "invitee.canceled"
  [2]=>
  string(23) "invitee_no_show.created"
  [3]=>
  string(23) "invitee_no_show.deleted"
}
bool(false)
