--TEST--
Same fixtures, same results as the C tests (tests/c/test_event.c, test_signature.c, test_seal.c, test_email.c)
--FILE--
<?php
// SPDX-License-Identifier: MIT
// Every expectation below is copied from the C unit tests named beside it,
// so the extension is held to the very values the core is held to.
require __DIR__ . '/calsync.inc';
use Calsync\Event;
use Calsync\ScheduledEvent;

const API = 'https://api.calendly.com';
const E1_UUID = 'd06edd78-d79d-4ab7-ac28-49e99b4d111a';
const I1_UUID = 'bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2';
const E1 = API . '/scheduled_events/' . E1_UUID;
const I1 = E1 . '/invitees/' . I1_UUID;
const E2 = API . '/scheduled_events/fc354907-a0dc-4073-9575-156199e3ca72';
const I2 = E2 . '/invitees/8876348f-7173-4e50-9d9a-3bd87ab216b3';
const E3 = API . '/scheduled_events/d0310a18-49b6-4cc3-8e08-619ceccc6f45';
const I3 = E3 . '/invitees/b462a9df-658d-4ffc-9ce4-ae887294d81e';
const E4 = API . '/scheduled_events/e9e78f1a-847f-4cc6-940f-50bf5229505a';
const I4 = E4 . '/invitees/1f6e6134-5270-429c-89d3-bde9d4a4dd3d';
const NS1_UUID = '52999e2b-cc12-4954-b330-c873c4044838';
const T1 = API . '/event_types/e0d11a45-b02f-431d-9c7f-32715b5d9c45';
const U0 = API . '/users/bb0234d5-1800-43d9-997c-bdbedae6648a';
const U1 = API . '/users/203ff10f-63af-43cb-b391-65ce304e0aa2';
const ZOOM_JOIN = 'https://us02web.zoom.us/j/81234567890?pwd=QWxhZGRpbjpvcGVuIHNlc2FtZQ';
const MEET_JOIN = 'https://meet.google.com/abc-defg-hij';

// check_ana()
$ana = ['uri' => I1, 'uuid' => I1_UUID, 'email' => 'ana.ruiz@example.org', 'name' => "Ana Ru\u{ed}z",
    'first_name' => 'Ana', 'last_name' => "Ru\u{ed}z", 'timezone' => 'America/Chicago', 'event_uri' => E1,
    'event_uuid' => E1_UUID, 'created_at' => '@2026-03-02T15:04:04.900000Z', 'rescheduled' => false,
    'old_invitee' => null, 'new_invitee' => null, 'cancel_url' => 'https://calendly.com/cancellations/' . I1_UUID,
    'reschedule_url' => 'https://calendly.com/reschedulings/' . I1_UUID];
// check_e1_sched()
$e1 = fn(string $status, string $updated) => ['uri' => E1, 'uuid' => E1_UUID, 'name' => 'Coaching session',
    'status' => $status, 'start_time' => '@2026-03-09T16:00:00Z', 'end_time' => '@2026-03-09T16:45:00Z',
    'event_type' => T1, 'location_type' => 'zoom', 'join_url' => ZOOM_JOIN,
    'hosts' => [['user_uri' => U1, 'email' => 'lee.coach@example.org', 'name' => 'Jordan Lee']],
    'created_at' => '@2026-03-02T15:04:04.850000Z', 'updated_at' => "@$updated"];
// check_ben_sched()
$ben = fn(string $uri, string $uuid, string $status, string $start, string $end) => ['uri' => $uri, 'uuid' => $uuid,
    'name' => 'Coaching session', 'status' => $status, 'start_time' => "@$start", 'end_time' => "@$end",
    'event_type' => T1, 'location_type' => 'google_conference', 'join_url' => MEET_JOIN, 'hosts.0.email' => 'lee.coach@example.org'];

$cases = [
    'test_invitee_created_gives_every_field' => ['invitee_created.json', 'parse', ['kind' => 'invitee.created',
        'event_name' => 'invitee.created', 'envelope_created_at' => '@2026-03-02T15:04:05.123456Z', 'created_by' => U0,
        'status' => 'active', 'updated_at' => '@2026-03-02T15:04:05Z', 'cancellation' => null, 'no_show' => null]
        + $ana + ['scheduled_event' => $e1('active', '2026-03-02T15:04:06.100000Z')]],
    'test_invitee_canceled_gives_the_cancellation' => ['invitee_canceled.json', 'parse', ['kind' => 'invitee.canceled',
        'event_name' => 'invitee.canceled', 'envelope_created_at' => '@2026-03-04T09:12:30.654321Z', 'created_by' => U0,
        'status' => 'canceled', 'updated_at' => '@2026-03-04T09:12:30.480000Z',
        'cancellation' => ['canceled_by' => "Ana Ru\u{ed}z", 'reason' => 'Exam clash, sorry!', 'canceler_type' => 'invitee',
            'canceled_at' => '@2026-03-04T09:12:30Z'], 'no_show' => null]
        + $ana + ['scheduled_event' => $e1('canceled', '2026-03-04T09:12:30.450000Z')]],
    'test_reschedule_pair_links_both_ways (old)' => ['reschedule_old_canceled.json', 'parse', ['kind' => 'invitee.canceled',
        'envelope_created_at' => '@2026-03-05T11:02:44.512008Z', 'uri' => I2, 'uuid' => '8876348f-7173-4e50-9d9a-3bd87ab216b3',
        'email' => 'ben.okafor@example.org', 'name' => 'Ben Okafor', 'first_name' => null, 'last_name' => null,
        'timezone' => 'Europe/London', 'status' => 'canceled', 'event_uri' => E2, 'event_uuid' => 'fc354907-a0dc-4073-9575-156199e3ca72',
        'created_at' => '@2026-02-20T18:30:11.250000Z', 'updated_at' => '@2026-03-05T11:02:44.310000Z', 'rescheduled' => true,
        'old_invitee' => null, 'new_invitee' => I3,
        'cancellation' => ['canceled_by' => 'Ben Okafor', 'reason' => null, 'canceler_type' => 'invitee', 'canceled_at' => '@2026-03-05T11:02:44Z'],
        'scheduled_event' => $ben(E2, 'fc354907-a0dc-4073-9575-156199e3ca72', 'canceled', '2026-03-10T10:00:00Z', '2026-03-10T10:45:00Z')]],
    'test_reschedule_pair_links_both_ways (new)' => ['reschedule_new_created.json', 'parse', ['kind' => 'invitee.created',
        'envelope_created_at' => '@2026-03-05T11:02:45.101772Z', 'uri' => I3, 'uuid' => 'b462a9df-658d-4ffc-9ce4-ae887294d81e',
        'email' => 'ben.okafor@example.org', 'status' => 'active', 'event_uri' => E3, 'event_uuid' => 'd0310a18-49b6-4cc3-8e08-619ceccc6f45',
        'created_at' => '@2026-03-05T11:02:43.870000Z', 'updated_at' => '@2026-03-05T11:02:43.990000Z', 'rescheduled' => false,
        'old_invitee' => I2, 'new_invitee' => null, 'cancellation' => null,
        'scheduled_event' => $ben(E3, 'd0310a18-49b6-4cc3-8e08-619ceccc6f45', 'active', '2026-03-12T14:30:00Z', '2026-03-12T15:15:00Z')]],
    'test_no_show_created_gives_the_no_show' => ['no_show_created.json', 'parse', ['kind' => 'invitee_no_show.created',
        'event_name' => 'invitee_no_show.created', 'envelope_created_at' => '@2026-03-09T16:52:10.402917Z', 'status' => 'active',
        'updated_at' => '@2026-03-09T16:52:10.330000Z',
        'no_show' => ['uri' => API . '/invitee_no_shows/' . NS1_UUID, 'uuid' => NS1_UUID, 'created_at' => '@2026-03-09T16:52:10.300000Z'],
        'cancellation' => null] + $ana + ['scheduled_event' => $e1('active', '2026-03-02T15:04:06.100000Z')]],
    'test_no_show_deleted_has_a_null_no_show' => ['no_show_deleted.json', 'parse', ['kind' => 'invitee_no_show.deleted',
        'event_name' => 'invitee_no_show.deleted', 'envelope_created_at' => '@2026-03-09T17:05:41.815530Z',
        'updated_at' => '@2026-03-09T17:05:41.700000Z', 'no_show' => null]
        + $ana + ['scheduled_event' => $e1('active', '2026-03-02T15:04:06.100000Z')]],
    'test_older_shape_without_scheduled_event_parses' => ['invitee_created_no_scheduled_event.json', 'parse', ['kind' => 'invitee.created',
        'envelope_created_at' => '@2026-03-03T20:15:00.402111Z', 'uri' => I4, 'uuid' => '1f6e6134-5270-429c-89d3-bde9d4a4dd3d',
        'email' => 'dana.whitfield@example.org', 'name' => 'Dana Whitfield', 'first_name' => null, 'timezone' => 'America/New_York',
        'event_uri' => E4, 'event_uuid' => 'e9e78f1a-847f-4cc6-940f-50bf5229505a', 'created_at' => '@2026-03-03T20:15:00Z',
        'updated_at' => '@2026-03-03T20:15:00Z', 'cancel_url' => 'https://calendly.com/cancellations/1f6e6134-5270-429c-89d3-bde9d4a4dd3d',
        'scheduled_event' => null]],
    'test_other_event_parses_only_the_envelope' => ['other_event.json', 'parse', ['kind' => 'other', 'scheduled_event' => null]],
    'check_rest_ana' => ['rest_invitee.json', 'parseRestInvitee', ['kind' => 'rest_invitee', 'event_name' => null,
        'envelope_created_at' => null, 'created_by' => null, 'status' => 'active', 'updated_at' => '@2026-03-02T15:04:05Z',
        'cancellation' => null, 'no_show' => null, 'scheduled_event' => null] + $ana],
];

/** Compares every expected leaf ("@..." = an RFC 3339 time, as microseconds) with the array. */
function compare(array $want, array $got, string $prefix, array &$bad): int
{
    $n = 0;
    foreach ($want as $k => $w) {
        $v = $got;
        foreach (explode('.', (string)$k) as $part) { $v = is_array($v) && array_key_exists($part, $v) ? $v[$part] : '(missing)'; }
        if (is_array($w) && !array_is_list($w) || is_array($w) && $w && is_array($w[0])) {
            $n += compare($w, is_array($v) ? $v : [], "$prefix$k.", $bad);
            continue;
        }
        if (is_string($w) && str_starts_with($w, '@')) { $w = us(substr($w, 1)); }
        $n++;
        if ($v !== $w) { $bad[] = "$prefix$k: got " . var_export($v, true) . ', C test wants ' . var_export($w, true); }
    }
    return $n;
}

foreach ($cases as $test => [$file, $parser, $want]) {
    $bad = [];
    $n = compare($want, Event::$parser(fixture($file))->toArray(), '', $bad);
    echo "$test: $n values ", $bad ? "DIFFER\n  " . implode("\n  ", $bad) : 'agree', "\n";
}

// test_rest_scheduled_event_parses_wrapped_and_bare
$bad = [];
$se = ScheduledEvent::parse(fixture('rest_scheduled_event.json'));
$n = compare($e1('active', '2026-03-02T15:04:06.100000Z'), $se->toArray(), '', $bad);
$bare = ScheduledEvent::parse(json_encode(json_decode(fixture('rest_scheduled_event.json'), true)['resource']));
echo "test_rest_scheduled_event_parses_wrapped_and_bare: $n values ", $bad ? 'DIFFER ' . implode('; ', $bad) : 'agree',
    $bare->toArray() === $se->toArray() ? '' : ' (bare differs)', "\n";

// test_dedupe_key_is_sha256_of_the_documented_bytes
var_dump(Event::parse(fixture('invitee_created.json'))->dedupeKey() === 'eecbe4ba6b09a369917e8e9733c4f46aae3c91d81af37cd4413995508f388f67');
var_dump(Event::parseRestInvitee(fixture('rest_invitee.json'))->dedupeKey() === '8168266268b6b48cfb481e71849f91949c02c6976c7c86f7fe23eff73a07f671');
var_dump(Event::parse(fixture('other_event.json'))->dedupeKey() === '7a4ec612f6a25dfbfd66eb143466bf9c6765b91f7dc3db1eb6b30b0d991d2ac1');
var_dump(Event::rawDedupeKey('') === 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

// test_signature.c's vectors (BODY, KEY1, KEY2, T0 and the MACs computed with openssl dgst)
$body = '{"created_at":"2023-11-14T22:13:20.000000Z","event":"invitee.created","payload":{"email":"ada@example.com","name":"Ada Lovelace"}}';
$t0 = 1700000000;
var_dump(Calsync\Signature::sign($body, 'whsec_first_key_0123456789', $t0) === "t=$t0,v1=3112627e7c0562dd267ceb17bc1c98bd111a3fb2af68a42d2b86445d24632b89");
var_dump(Calsync\Signature::sign($body, 'rotated-second-key', $t0) === "t=$t0,v1=186bf69d1e8dba87926552bcac03db01a81da6fca982915c42265dcc4f8abe66");
var_dump(Calsync\Signature::sign('', 'whsec_first_key_0123456789', $t0) === "t=$t0,v1=e64a9e0f171d37d7a70d0f49c202a520bbba16a63724c6392d9e950b9f213d5b");
var_dump(Calsync\Signature::sign("\x00\x01\x02\xff\x00{\n\x80", 'whsec_first_key_0123456789', $t0) === "t=$t0,v1=5375e66f8a62efb96dc67eec1bfdab30fa7fc6c326c7c1b3a1f30fafdc15c15e");
var_dump(Calsync\Signature::sign(str_repeat('a', 1048576), 'whsec_first_key_0123456789', $t0) === "t=$t0,v1=26da325b5a0fa74d1ded16aedd7c2445704024b1322ee49b83335667a6be4cb1");
var_dump(Calsync\Signature::verify("t=$t0,v1=3112627E7C0562DD267CEB17BC1C98BD111A3FB2AF68A42D2B86445D24632B89", $body,
    ['rotated-second-key', 'whsec_first_key_0123456789'], $t0)['key_index']);

// test_seal.c: key A's id, and a value sealed independently with Python's cryptography
$sealer = new Calsync\Sealer('0123456789abcdef0123456789abcdef');
var_dump($sealer->keyId());
var_dump($sealer->open('cs1.167ff5d3.AQIDBAUGBwgJCgsMHAcZ4NXMQmYFJPiQGXMfjlZfv-ZpAx5CPQmDZZ1G3Fv0hhL7IqFE1MpArxETAQ', 'calendly_token'));

// test_email.c
var_dump(Calsync\Email::match('ada@home.example', null, [
    ['user_id' => 9, 'email' => 'ada.lovelace@work.example', 'name' => 'Ada'],
    ['user_id' => 9, 'email' => 'ada@home.example', 'name' => 'Ada', 'alias' => true]])['link']);
var_dump(Calsync\Email::match('shared@example.com', null, [
    ['user_id' => 5, 'email' => 'shared@example.com', 'alias' => true],
    ['user_id' => 6, 'email' => 'shared@example.com', 'alias' => true]])['link']);
?>
--EXPECT--
test_invitee_created_gives_every_field: 37 values agree
test_invitee_canceled_gives_the_cancellation: 40 values agree
test_reschedule_pair_links_both_ways (old): 31 values agree
test_reschedule_pair_links_both_ways (new): 24 values agree
test_no_show_created_gives_the_no_show: 38 values agree
test_no_show_deleted_has_a_null_no_show: 34 values agree
test_older_shape_without_scheduled_event_parses: 14 values agree
test_other_event_parses_only_the_envelope: 2 values agree
check_rest_ana: 24 values agree
test_rest_scheduled_event_parses_wrapped_and_bare: 14 values agree
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
bool(true)
int(1)
string(8) "167ff5d3"
string(30) "pat_eyJraWQiOiJ0ZXN0In0.secret"
int(9)
NULL
