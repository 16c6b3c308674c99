<?php
// SPDX-License-Identifier: MIT
// The benchmark's baseline: verify, parse and the state rules written the way a PHP developer
// would, without the extension, producing the very shapes the extension returns.

declare(strict_types=1);

namespace CalsyncBench;

use DateTimeImmutable;
use DateTimeZone;
use RuntimeException;

final class PurePhpPipeline
{
    private const KINDS = [
        'invitee.created' => 'invitee.created',
        'invitee.canceled' => 'invitee.canceled',
        'invitee_no_show.created' => 'invitee_no_show.created',
        'invitee_no_show.deleted' => 'invitee_no_show.deleted',
    ];
    private const MARK_ORDER = ['none' => 0, 'attended' => 1, 'no_show' => 2, 'rescheduled' => 3];
    private const NOSHOW_ORDER = ['unknown' => 0, 'deleted' => 1, 'present' => 2];
    // Content tie-breaks compare the invitee's personal facts last, as the core does.
    private const INFO = ['invitee_created_at', 'email', 'name', 'timezone', 'cancel_url', 'reschedule_url'];
    private const CANCEL = ['cancel_at', 'canceler_type', 'cancel_reason', 'canceled_by'];
    private const PERSONAL = ['email', 'name', 'timezone', 'cancel_url', 'reschedule_url', 'cancel_reason', 'canceled_by'];
    private const SCHED = ['start_at', 'end_at', 'event_name', 'event_type_uri', 'event_status', 'location_type',
        'join_url', 'host_email', 'host_name', 'host_emails'];

    private DateTimeZone $utc;

    /**
     * $fastTimes: convert RFC 3339 times with gmmktime() instead of
     * DateTimeImmutable, the tuning a PHP developer reaches for once a
     * profiler shows DateTime's cost (about 8 us per time here).
     */
    public function __construct(private bool $fastTimes = false)
    {
        $this->utc = new DateTimeZone('UTC');
    }

    // ---- 1. signature --------------------------------------------------------

    /** @return array{timestamp: int, key_index: int} */
    public function verify(string $header, string $body, array $keys, int $now, int $maxAge = 180, int $maxFuture = 180): array
    {
        $t = null;
        $sigs = [];
        foreach (explode(',', $header) as $item) {
            $kv = explode('=', $item, 2);
            if (count($kv) !== 2) {
                throw new RuntimeException('malformed');
            }
            [$k, $v] = [trim($kv[0]), trim($kv[1])];
            if ($k === 't' && $t === null && preg_match('/^\d{1,18}$/', $v)) {
                $t = (int)$v;
            } elseif ($k === 'v1' && preg_match('/^[0-9a-fA-F]{64}$/', $v)) {
                $sigs[] = strtolower($v);
            } else {
                throw new RuntimeException('malformed');
            }
        }
        if ($t === null || !$sigs) {
            throw new RuntimeException('malformed');
        }
        foreach ($keys as $i => $key) {
            $mac = hash_hmac('sha256', $t . '.' . $body, $key);
            foreach ($sigs as $sig) {
                if (hash_equals($mac, $sig)) {
                    if ($t < $now - $maxAge) {
                        throw new RuntimeException('too_old');
                    }
                    if ($t > $now + $maxFuture) {
                        throw new RuntimeException('too_new');
                    }
                    return ['timestamp' => $t, 'key_index' => $i];
                }
            }
        }
        throw new RuntimeException('mismatch');
    }

    // ---- 2. parse into Event::toArray()'s shape ---------------------------------

    public function parse(string $body): array
    {
        $j = json_decode($body, true, 512, JSON_THROW_ON_ERROR);
        if (!is_array($j) || array_is_list($j)) {
            throw new RuntimeException('top level: expected object');
        }
        $name = $this->str($j, 'event', 'event', true);
        $kind = self::KINDS[$name] ?? 'other';
        $out = ['kind' => $kind, 'event_name' => $name, 'envelope_created_at' => $this->time($j, 'created_at', 'created_at', true),
            'created_by' => $this->str($j, 'created_by', 'created_by')];
        if ($kind === 'other') {
            return $out + array_fill_keys(['uri', 'uuid', 'email', 'name', 'first_name', 'last_name', 'status', 'timezone',
                'event_uri', 'event_uuid', 'created_at', 'updated_at'], null) + ['rescheduled' => false]
                + array_fill_keys(['old_invitee', 'new_invitee', 'cancel_url', 'reschedule_url', 'cancellation', 'no_show',
                    'scheduled_event'], null);
        }
        if (!isset($j['payload']) || !is_array($j['payload'])) {
            throw new RuntimeException('payload: missing');
        }
        return $out + $this->invitee($j['payload'], 'payload.');
    }

    private function invitee(array $p, string $at): array
    {
        $uri = $this->str($p, 'uri', $at . 'uri', true);
        $status = $this->str($p, 'status', $at . 'status', true);
        if ($status !== 'active' && $status !== 'canceled') {
            throw new RuntimeException($at . 'status: expected "active" or "canceled"');
        }
        $eventUri = $this->str($p, 'event', $at . 'event', true);
        $c = $p['cancellation'] ?? null;
        $ns = $p['no_show'] ?? null;
        $se = $p['scheduled_event'] ?? null;
        $resched = $p['rescheduled'] ?? false;
        if (!is_bool($resched)) {
            throw new RuntimeException($at . 'rescheduled: expected true, false or null');
        }
        return [
            'uri' => $uri,
            'uuid' => basename($uri),
            'email' => $this->str($p, 'email', $at . 'email', true),
            'name' => $this->str($p, 'name', $at . 'name'),
            'first_name' => $this->str($p, 'first_name', $at . 'first_name'),
            'last_name' => $this->str($p, 'last_name', $at . 'last_name'),
            'status' => $status,
            'timezone' => $this->str($p, 'timezone', $at . 'timezone'),
            'event_uri' => $eventUri,
            'event_uuid' => basename($eventUri),
            'created_at' => $this->time($p, 'created_at', $at . 'created_at', true),
            'updated_at' => $this->time($p, 'updated_at', $at . 'updated_at', true),
            'rescheduled' => $resched,
            'old_invitee' => $this->str($p, 'old_invitee', $at . 'old_invitee'),
            'new_invitee' => $this->str($p, 'new_invitee', $at . 'new_invitee'),
            'cancel_url' => $this->str($p, 'cancel_url', $at . 'cancel_url'),
            'reschedule_url' => $this->str($p, 'reschedule_url', $at . 'reschedule_url'),
            'cancellation' => is_array($c) ? [
                'canceled_by' => $this->str($c, 'canceled_by', $at . 'cancellation.canceled_by'),
                'reason' => $this->str($c, 'reason', $at . 'cancellation.reason'),
                'canceler_type' => $this->str($c, 'canceler_type', $at . 'cancellation.canceler_type'),
                'canceled_at' => $this->time($c, 'created_at', $at . 'cancellation.created_at'),
            ] : null,
            'no_show' => is_array($ns) ? [
                'uri' => $u = $this->str($ns, 'uri', $at . 'no_show.uri'),
                'uuid' => $u === null ? null : basename($u),
                'created_at' => $this->time($ns, 'created_at', $at . 'no_show.created_at'),
            ] : null,
            'scheduled_event' => is_array($se) ? $this->scheduledEvent($se, $at . 'scheduled_event.') : null,
        ];
    }

    private function scheduledEvent(array $s, string $at): array
    {
        $uri = $this->str($s, 'uri', $at . 'uri', true);
        $hosts = [];
        foreach (array_slice($s['event_memberships'] ?? [], 0, 8) as $i => $m) {
            $hosts[] = ['user_uri' => $this->str($m, 'user', "{$at}event_memberships[$i].user"),
                'email' => $this->str($m, 'user_email', "{$at}event_memberships[$i].user_email"),
                'name' => $this->str($m, 'user_name', "{$at}event_memberships[$i].user_name")];
        }
        $loc = is_array($s['location'] ?? null) ? $s['location'] : [];
        return [
            'uri' => $uri,
            'uuid' => basename($uri),
            'name' => $this->str($s, 'name', $at . 'name'),
            'status' => $this->str($s, 'status', $at . 'status'),
            'start_time' => $this->time($s, 'start_time', $at . 'start_time', true),
            'end_time' => $this->time($s, 'end_time', $at . 'end_time', true),
            'event_type' => $this->str($s, 'event_type', $at . 'event_type'),
            'location_type' => $this->str($loc, 'type', $at . 'location.type'),
            'join_url' => $this->str($loc, 'join_url', $at . 'location.join_url'),
            'hosts' => $hosts,
            'created_at' => $this->time($s, 'created_at', $at . 'created_at'),
            'updated_at' => $this->time($s, 'updated_at', $at . 'updated_at'),
        ];
    }

    private function str(array $a, string $key, string $path, bool $required = false): ?string
    {
        $v = $a[$key] ?? null;
        if ($v === null) {
            if ($required) {
                throw new RuntimeException("$path: missing");
            }
            return null;
        }
        if (!is_string($v)) {
            throw new RuntimeException("$path: expected string");
        }
        return $v;
    }

    private function time(array $a, string $key, string $path, bool $required = false): ?int
    {
        $v = $this->str($a, $key, $path, $required);
        if ($v === null) {
            return null;
        }
        if (!preg_match('/^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d\d):(\d\d))$/', $v, $m)) {
            throw new RuntimeException("$path: expected RFC 3339 string");
        }
        $fraction = (int)str_pad(substr($m[7] ?? '', 0, 6), 6, '0');
        if (!$this->fastTimes) {
            $d = new DateTimeImmutable(preg_replace('/\.\d+/', '', $v), $this->utc);
            return (int)$d->format('U') * 1000000 + $fraction;
        }
        if (!checkdate((int)$m[2], (int)$m[3], (int)$m[1]) || $m[4] > 23 || $m[5] > 59 || $m[6] > 60) {
            throw new RuntimeException("$path: expected RFC 3339 string");
        }
        $secs = gmmktime((int)$m[4], (int)$m[5], (int)$m[6], (int)$m[2], (int)$m[3], (int)$m[1]);
        if (($m[8] ?? '') !== '') {
            $offset = (int)$m[9] * 3600 + (int)$m[10] * 60;
            $secs -= $m[8] === '+' ? $offset : -$offset;
        }
        return $secs * 1000000 + $fraction;
    }

    // ---- 3. the state rules, on State::applyEvent()'s shapes ---------------------

    public static function emptyFacts(): array
    {
        return ['invitee_uri' => null, 'booked' => false, 'event_uri' => null, 'canceled' => false, 'cancel_at' => null,
            'cancel_reason' => null, 'canceled_by' => null, 'canceler_type' => null, 'reschedule_canceled' => false,
            'rescheduled_to_uri' => null, 'rescheduled_from_uri' => null, 'coach_mark' => 'none', 'coach_mark_at' => null,
            'coach_mark_by' => 0, 'noshow' => 'unknown', 'noshow_at' => null, 'noshow_uri' => null,
            'noshow_absent_seen_at' => null, 'info_updated_at' => null, 'info_envelope_at' => null, 'email' => null,
            'name' => null, 'timezone' => null, 'cancel_url' => null, 'reschedule_url' => null, 'invitee_created_at' => null,
            'sched_updated_at' => null, 'start_at' => null, 'end_at' => null, 'event_name' => null, 'event_type_uri' => null,
            'event_status' => null, 'location_type' => null, 'join_url' => null, 'host_email' => null, 'host_name' => null,
            'host_emails' => null, 'erased_at' => null, 'entered_at' => null, 'entered_by' => 0];
    }

    /** Every host's e-mail, one per line, as the core joins them (none: null). */
    private static function hostEmails(array $hosts): ?string
    {
        $emails = [];
        foreach ($hosts as $h) {
            $e = $h['email'] ?? null;
            if (is_string($e) && $e !== '' && strpbrk($e, "\r\n") === false) {
                $emails[] = $e;
            }
        }
        return $emails ? implode("\n", $emails) : null;
    }

    public function applyEvent(?array $stored, array $ev, int $now): array
    {
        $stored = ($stored ?? []) + self::emptyFacts();
        $canceled = $ev['kind'] === 'invitee.canceled' || $ev['status'] === 'canceled';
        $c = ['invitee_uri' => $ev['uri'], 'event_uri' => $ev['event_uri'], 'rescheduled_from_uri' => $ev['old_invitee']]
            + self::emptyFacts();
        if ($canceled) {
            $x = $ev['cancellation'];
            $c['canceled'] = true;
            $c['cancel_at'] = $x['canceled_at'] ?? $ev['updated_at'];
            if ($x !== null) {
                [$c['cancel_reason'], $c['canceled_by'], $c['canceler_type']] = [$x['reason'], $x['canceled_by'], $x['canceler_type']];
            }
            if ($ev['rescheduled'] || $ev['new_invitee'] !== null) {
                $c['reschedule_canceled'] = true;
                $c['rescheduled_to_uri'] = $ev['new_invitee'];
            }
        } else {
            $c['booked'] = true;
        }
        $c['info_updated_at'] = $ev['updated_at'];
        $c['info_envelope_at'] = $ev['envelope_created_at'];
        foreach (['email', 'name', 'timezone', 'cancel_url', 'reschedule_url'] as $k) {
            $c[$k] = $ev[$k];
        }
        $c['invitee_created_at'] = $ev['created_at'];
        $speaksSched = false;
        if (($s = $ev['scheduled_event']) !== null) {
            $speaksSched = true;
            $c = array_merge($c, ['sched_updated_at' => $s['updated_at'], 'start_at' => $s['start_time'],
                'end_at' => $s['end_time'], 'event_name' => $s['name'], 'event_type_uri' => $s['event_type'],
                'event_status' => $s['status'], 'location_type' => $s['location_type'], 'join_url' => $s['join_url'],
                'host_email' => $s['hosts'][0]['email'] ?? null, 'host_name' => $s['hosts'][0]['name'] ?? null,
                'host_emails' => self::hostEmails($s['hosts'])]);
        }
        $speaksNoShow = true;
        if ($ev['kind'] === 'invitee_no_show.deleted') {
            $c['noshow'] = 'deleted';
            $c['noshow_at'] = $ev['envelope_created_at'] ?? $ev['updated_at'];
        } elseif ($ev['kind'] === 'invitee_no_show.created' || $ev['no_show'] !== null) {
            $c['noshow'] = 'present';
            $c['noshow_at'] = $ev['no_show']['created_at'] ?? $ev['envelope_created_at'] ?? $ev['updated_at'];
            $c['noshow_uri'] = $ev['no_show']['uri'] ?? null;
        } else {
            $speaksNoShow = false;
            if ($ev['kind'] === 'rest_invitee') {
                $c['noshow_absent_seen_at'] = $now;
            }
        }

        $r = $this->join($stored, $c);
        $notes = [];
        $oldMark = self::currentMark($stored);
        $newMark = self::currentMark($r);
        if ($speaksNoShow) {
            if ($this->noshowCmp($stored, $c) > 0 || ($stored['coach_mark_at'] !== null && $c['noshow_at'] <= $stored['coach_mark_at'])) {
                $notes[] = 'stale_mark';
            } elseif ($this->noshowCmp($stored, $r) !== 0 && $oldMark === $newMark && $stored['coach_mark_at'] !== null
                && $stored['coach_mark'] === $oldMark) {
                $notes[] = 'echo';
            }
        }
        $staleInfo = $this->infoVersionCmp($stored, $c) > 0
            || ($speaksSched && self::cmp($stored['sched_updated_at'], $c['sched_updated_at']) > 0);
        if (!$canceled && ($stored['canceled'] || $stored['reschedule_canceled'])) {
            $notes[] = 'no_revive';
        }
        if ($staleInfo) {
            $notes[] = 'stale_info';
        }
        [$oldStatus, $oldConflict] = self::derive($stored);
        [$newStatus, $newConflict] = self::derive($r);
        if ($newConflict && !$oldConflict) {
            $notes[] = 'conflict';
        }
        $changes = [];
        foreach ($r as $k => $v) {
            if ($stored[$k] !== $v) {
                $changes[$k] = [$stored[$k], $v];
            }
        }
        $due = 'scheduled' === $newStatus ? $r['end_at'] : null;
        return ['facts' => $r, 'status' => $newStatus, 'old_status' => $oldStatus, 'conflict' => $newConflict,
            'old_conflict' => $oldConflict, 'changes' => $changes, 'notes' => self::orderNotes($notes),
            'attendance_due_at' => $due, 'needs_attendance' => null !== $due && $due < $now,
            'counts_alone' => 'attended' === $newStatus, 'outbound' => []];
    }

    private static function orderNotes(array $notes): array
    {
        return array_values(array_intersect(['stale_mark', 'echo', 'conflict', 'no_revive', 'stale_info'], $notes));
    }

    private function join(array $a, array $b): array
    {
        if ($a['invitee_uri'] !== null && $b['invitee_uri'] !== null && $a['invitee_uri'] !== $b['invitee_uri']) {
            throw new RuntimeException('invitee_uri: facts are about another invitee');
        }
        $r = $a;
        $r['invitee_uri'] ??= $b['invitee_uri'];
        $r['booked'] = $a['booked'] || $b['booked'];
        $r['event_uri'] = self::least($a['event_uri'], $b['event_uri']);
        $r['canceled'] = $a['canceled'] || $b['canceled'];
        if ($this->fieldsCmp($b, $a, self::CANCEL) > 0) {
            foreach (self::CANCEL as $k) {
                $r[$k] = $b[$k];
            }
        }
        $r['reschedule_canceled'] = $a['reschedule_canceled'] || $b['reschedule_canceled'];
        $r['rescheduled_to_uri'] = self::least($a['rescheduled_to_uri'], $b['rescheduled_to_uri']);
        $r['rescheduled_from_uri'] = self::least($a['rescheduled_from_uri'], $b['rescheduled_from_uri']);
        $coach = self::cmp($b['coach_mark_at'], $a['coach_mark_at'])
            ?: (self::MARK_ORDER[$b['coach_mark']] <=> self::MARK_ORDER[$a['coach_mark']])
            ?: ($b['coach_mark_by'] <=> $a['coach_mark_by']);
        if ($coach > 0) {
            [$r['coach_mark'], $r['coach_mark_at'], $r['coach_mark_by']] = [$b['coach_mark'], $b['coach_mark_at'], $b['coach_mark_by']];
        }
        if ($this->noshowCmp($b, $a) > 0) {
            [$r['noshow'], $r['noshow_at'], $r['noshow_uri']] = [$b['noshow'], $b['noshow_at'], $b['noshow_uri']];
        }
        if (self::cmp($b['noshow_absent_seen_at'], $r['noshow_absent_seen_at']) > 0) {
            $r['noshow_absent_seen_at'] = $b['noshow_absent_seen_at'];
        }
        if (($this->infoVersionCmp($b, $a) ?: $this->fieldsCmp($b, $a, self::INFO)) > 0) {
            foreach (['info_updated_at', 'info_envelope_at', ...self::INFO] as $k) {
                $r[$k] = $b[$k];
            }
        }
        if ((self::cmp($b['sched_updated_at'], $a['sched_updated_at']) ?: $this->fieldsCmp($b, $a, self::SCHED)) > 0) {
            foreach (['sched_updated_at', ...self::SCHED] as $k) {
                $r[$k] = $b[$k];
            }
        }
        $r['erased_at'] = $a['erased_at'] === null ? $b['erased_at']
            : ($b['erased_at'] === null ? $a['erased_at'] : min($a['erased_at'], $b['erased_at']));
        if ($r['erased_at'] !== null) {
            foreach (self::PERSONAL as $k) {
                $r[$k] = null;
            }
        }
        return $r;
    }

    /** Absent (null) sorts first; strings by bytes, numbers by value. */
    private static function cmp(int|string|null $a, int|string|null $b): int
    {
        if ($a === null || $b === null) {
            return ($a !== null) <=> ($b !== null);
        }
        return is_string($a) ? strcmp($a, $b) <=> 0 : $a <=> $b;
    }

    private function fieldsCmp(array $a, array $b, array $keys): int
    {
        foreach ($keys as $k) {
            if (($c = self::cmp($a[$k], $b[$k])) !== 0) {
                return $c;
            }
        }
        return 0;
    }

    private function noshowCmp(array $a, array $b): int
    {
        return self::cmp($a['noshow_at'], $b['noshow_at'])
            ?: (self::NOSHOW_ORDER[$a['noshow']] <=> self::NOSHOW_ORDER[$b['noshow']])
            ?: self::cmp($a['noshow_uri'], $b['noshow_uri']);
    }

    private function infoVersionCmp(array $a, array $b): int
    {
        return self::cmp($a['info_updated_at'], $b['info_updated_at']) ?: self::cmp($a['info_envelope_at'], $b['info_envelope_at']);
    }

    private static function least(?string $a, ?string $b): ?string
    {
        return $a === null ? $b : ($b === null || strcmp($a, $b) <= 0 ? $a : $b);
    }

    private static function currentMark(array $f): string
    {
        if ($f['noshow'] === 'unknown' || ($f['coach_mark_at'] ?? PHP_INT_MIN) >= ($f['noshow_at'] ?? PHP_INT_MIN)) {
            return $f['coach_mark'];
        }
        if ($f['noshow'] === 'present' && ($f['noshow_at'] ?? PHP_INT_MIN) > ($f['noshow_absent_seen_at'] ?? PHP_INT_MIN)) {
            return 'no_show';
        }
        return $f['coach_mark'] === 'no_show' ? 'none' : $f['coach_mark'];
    }

    /** @return array{string, bool} */
    private static function derive(array $f): array
    {
        $m = self::currentMark($f);
        $away = $f['reschedule_canceled'] || $f['rescheduled_to_uri'] !== null;
        $conflict = $m !== 'none' && ($f['canceled'] || $away) && !($away && $m === 'rescheduled');
        $status = match ($m) {
            'attended' => 'attended',
            'no_show' => 'no_show',
            'rescheduled' => 'rescheduled',
            default => $away ? 'rescheduled' : ($f['canceled'] ? 'canceled' : 'scheduled'),
        };
        return [$status, $conflict];
    }
}
