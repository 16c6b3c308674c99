--TEST--
A webhook delivery end to end, the way the plugin handles it: open the key, verify, parse, dedupe, apply, link the peer, match the student
--FILE--
<?php
// SPDX-License-Identifier: MIT
require __DIR__ . '/calsync.inc';
use Calsync\Email;
use Calsync\Event;
use Calsync\Sealer;
use Calsync\SignatureException;
use Calsync\State;

// What the plugin keeps: the signing key sealed in its settings table, and rows.
$sealer = new Sealer('AUTH_KEY+SECURE_AUTH_KEY+LOGGED_IN_KEY+NONCE_KEY salts of the site');
$settings = ['signing_key' => $sealer->seal(TEST_KEY, 'signing_key')];
$ledger = [];   // dedupe_key => outcome
$rows = [];     // invitee_uri => facts
$users = [['user_id' => 12, 'email' => 'Ana.Ruiz@example.org', 'name' => 'Ana Ruiz'],
          ['user_id' => 13, 'email' => 'ben.okafor@example.org']];

/** One POST to the webhook route: the raw body and the signature header as received. */
function handle(string $header, string $body, int $now): string
{
    global $sealer, $settings, $ledger, $rows, $users;
    $ring = [$sealer->open($settings['signing_key'], 'signing_key')];
    try {
        Calsync\Signature::verify($header, $body, $ring, $now);
    } catch (SignatureException $e) {
        if ($e->reason === 'too_old' || $e->reason === 'too_new') {
            $ledger[Event::rawDedupeKey($body)] = 'stale';
            return "202 stale ($e->reason)";
        }
        return "401 $e->reason";
    }
    try {
        $event = Event::parse($body);
    } catch (Calsync\PayloadException $e) {
        $ledger[Event::rawDedupeKey($body)] = 'failed';
        return "202 failed at {$e->path}";
    }
    $key = $event->dedupeKey();
    if (isset($ledger[$key])) {
        return '200 duplicate';
    }
    if ($event->kind() === 'other') {
        $ledger[$key] = 'ignored';
        return '202 ignored';
    }
    $uri = $event->inviteeUri();
    $r = State::applyEvent($rows[$uri] ?? null, $event, $now * 1000000);
    $rows[$uri] = $r['facts'];
    $out = "200 {$r['old_status']} -> {$r['status']}" . ($r['conflict'] ? ' CONFLICT' : '');
    if (($peer = $event->peerUri()) !== null) {
        $p = State::applyPeer($rows[$peer] ?? null, $event);
        $rows[$peer] = $p['facts'];
        $out .= "; peer {$p['old_status']} -> {$p['status']}";
    }
    $m = Email::match($r['facts']['email'], $r['facts']['name'], $users);
    $out .= '; student ' . ($m['link'] ?? 'unmatched');
    $ledger[$key] = 'processed';
    return $out;
}

$t = 1772463845;
foreach ([
    ['invitee_created.json', $t, 0],
    ['invitee_created.json', $t + 60, 0],                 // Calendly's retry
    ['reschedule_new_created.json', $t, 0],               // the reschedule's new half first
    ['reschedule_old_canceled.json', $t, 0],
    ['no_show_created.json', $t, 0],
    ['other_event.json', $t, 0],
    ['invitee_canceled.json', $t + 181, 0],               // stale: authentic but old
    ['invitee_canceled.json', $t, 1],                     // tampered body
] as [$name, $now, $tamper]) {
    [$header, $body] = signed($name, $t);
    if ($tamper) { $body = str_replace('Exam clash', 'Exam crash', $body); }
    echo str_pad($name, 30), handle($header, $body, $now), "\n";
}
echo str_pad('no header', 30), handle('', fixture('invitee_created.json'), $t), "\n";
[$h, $b] = signed('invitee_created.json', $t);
echo str_pad('broken JSON, signed', 30), handle(Calsync\Signature::sign('{"event":', TEST_KEY, $t), '{"event":', $t), "\n";

echo "-- what was stored\n";
uksort($rows, fn($a, $b) => strcmp(basename($a), basename($b)));
foreach ($rows as $uri => $f) {
    echo basename($uri), ': ', State::derive($f)['status'], ' from=', $f['rescheduled_from_uri'] ? basename($f['rescheduled_from_uri']) : '-',
        ' to=', $f['rescheduled_to_uri'] ? basename($f['rescheduled_to_uri']) : '-', ' start=',
        $f['start_at'] === null ? '-' : Calsync\Time::format($f['start_at']), "\n";
}
echo json_encode(array_count_values($ledger)), "\n";

// The coach marks attendance in wp-admin; a late Calendly cancel then conflicts.
$ana = 'https://api.calendly.com/scheduled_events/d06edd78-d79d-4ab7-ac28-49e99b4d111a/invitees/bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2';
$m = State::applyMark($rows[$ana], 'attended', us('2026-03-09T17:30:00Z'), 5);
outcome_line('coach marks attended', $m);
$rows[$ana] = $m['facts'];
echo str_pad('late cancel', 30), handle(...[...signed('invitee_canceled.json', $t), $t]), "\n";
?>
--EXPECT--
invitee_created.json          200 scheduled -> scheduled; student 12
invitee_created.json          200 duplicate
reschedule_new_created.json   200 scheduled -> scheduled; peer scheduled -> rescheduled; student 13
reschedule_old_canceled.json  200 rescheduled -> rescheduled; peer scheduled -> scheduled; student 13
no_show_created.json          200 scheduled -> no_show; student 12
other_event.json              202 ignored
invitee_canceled.json         202 stale (too_old)
invitee_canceled.json         401 mismatch
no header                     401 malformed
broken JSON, signed           202 failed at 
-- what was stored
8876348f-7173-4e50-9d9a-3bd87ab216b3: rescheduled from=- to=b462a9df-658d-4ffc-9ce4-ae887294d81e start=2026-03-10T10:00:00.000000Z
b462a9df-658d-4ffc-9ce4-ae887294d81e: scheduled from=8876348f-7173-4e50-9d9a-3bd87ab216b3 to=- start=2026-03-12T14:30:00.000000Z
bcaa87a6-fb45-48c4-a4b2-0e11aa8a15d2: no_show from=- to=- start=2026-03-09T16:00:00.000000Z
{"processed":4,"ignored":1,"stale":1,"failed":1}
coach marks attended: no_show -> attended changed=coach_mark,coach_mark_at,coach_mark_by
late cancel                   200 attended -> attended CONFLICT; student 12
