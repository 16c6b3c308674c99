<?php

/**
 * The calsync extension's PHP API: the source of truth for its arginfo.
 *
 * Conventions: times are integers, microseconds since the Unix epoch (UTC);
 * use Time::format()/Time::parse() at the edges.  Facts are arrays keyed by
 * the C field names (calsync_field_name), with null for absent strings and
 * times, bool for flags, and the mark/no-show enums as strings.
 *
 * @generate-class-entries
 */

// SPDX-License-Identifier: MIT

namespace Calsync {

    /**
     * Base of every exception this extension throws for bad input.
     * getCode() is libcalsync's calsync_code (a negative number).
     */
    class Exception extends \Exception {}

    /**
     * A value from outside that the core does not accept (CALSYNC_ERR_INPUT):
     * an e-mail that is no address, a time outside the years 1 to 9999.
     * The message says what is wrong with it; a caller's own mistake (a
     * value outside a documented form) is a ValueError instead.
     */
    final class InputException extends Exception {}

    /** Verification failed; $reason says which of the four outcomes. */
    final class SignatureException extends Exception
    {
        /** "malformed", "mismatch", "too_old" or "too_new". */
        public readonly string $reason;
        /** The header's t (seconds) when the header parsed, else null. */
        public readonly ?int $timestamp;
    }

    /**
     * A body or API answer that cannot be handled; $path names the field and
     * the message is the bare reason ("missing", "expected string, got
     * number"): it does not repeat the path.
     */
    final class PayloadException extends Exception
    {
        /** JSON path such as "payload.scheduled_event.start_time", or "". */
        public readonly string $path;
    }

    /** A sealed value that does not open; $reason is "format", "key" or "auth". */
    final class SealException extends Exception
    {
        public readonly string $reason;
    }

    /**
     * The Calendly API answered with an error, or could not be reached.
     * $status is the HTTP status (0 when the API could not be reached: the
     * exception's code is then CALSYNC_ERR_TRANSPORT); $title is Calendly's
     * "title"; $retryAfterMs is set on a 429 whose wait was longer than the
     * client may sleep.  Branch on $status, never on the text.
     */
    final class ApiException extends Exception
    {
        public readonly int $status;
        public readonly string $title;
        public readonly int $retryAfterMs;
    }

    /** Facts and event disagree (different invitees) or facts are malformed. */
    final class StateException extends Exception {}

    /** The versions this build runs with, as `php --ri calsync` shows them. */
    final class Info
    {
        /** @return array{calsync: string, jansson: string, libcurl: string, openssl: string} */
        public static function versions(): array {}
    }

    final class Time
    {
        /** RFC 3339 to microseconds; throws PayloadException. */
        public static function parse(string $value): int {}

        /** Microseconds to "YYYY-MM-DDTHH:MM:SS.ffffffZ"; InputException outside the years 1 to 9999. */
        public static function format(int $microseconds): string {}
    }

    final class Signature
    {
        /**
         * Verifies a Calendly-Webhook-Signature header over the raw body with
         * each key of the ring.  Returns ["timestamp" => int, "key_index" => int]
         * (key_index: 0-based position in $keys).  An empty key is a ValueError,
         * a key that is not a string a TypeError.
         * Throws SignatureException; an empty ring or a negative tolerance is a
         * ValueError.  $now defaults to the current time (seconds).
         */
        public static function verify(
            string $header,
            string $body,
            #[\SensitiveParameter] array $keys,
            ?int $now = null,
            int $maxAge = 180,
            int $maxFuture = 180
        ): array {}

        /** "t=<timestamp>,v1=<hex>" for a body (the fake Calendly, tests). */
        public static function sign(string $body, #[\SensitiveParameter] string $key, int $timestamp): string {}
    }

    /**
     * A parsed webhook delivery or REST invitee.
     * @strict-properties
     * @not-serializable
     */
    final class Event
    {
        private function __construct() {}

        /** Parses a webhook body; throws PayloadException (with the path). */
        public static function parse(string $body): Event {}

        /** Parses a REST Invitee object, with or without {"resource": ...}. */
        public static function parseRestInvitee(string $json): Event {}

        /** SHA-256 hex over the whole body: the dedupe key of a body that did not parse. */
        public static function rawDedupeKey(string $body): string {}

        /** The Calendly webhook event names the core handles: what a subscription asks for. */
        public static function webhookEvents(): array {}

        /**
         * "invitee.created", "invitee.canceled", "invitee_no_show.created",
         * "invitee_no_show.deleted", "rest_invitee" or "other".
         */
        public function kind(): string {}

        /** The stable dedupe key (64 hex digits). */
        public function dedupeKey(): string {}

        /** The invitee URI, or null for kind "other". */
        public function inviteeUri(): ?string {}

        /** The other end of a reschedule named by this event, or null: the first of peerUris(). */
        public function peerUri(): ?string {}

        /**
         * Every other end of a reschedule named by this event (0 to 2): for a
         * canceled invitee rescheduled to another, that one first; then the
         * invitee this one was rescheduled from.
         *
         * @return list<string>
         */
        public function peerUris(): array {}

        /**
         * Every parsed field, keyed by the C names of calsync_event_view:
         * "kind", the envelope ("event_name", "envelope_created_at",
         * "created_by"), the invitee ("uri", "uuid", "email", "name",
         * "first_name", "last_name", "status" ("active"/"canceled"),
         * "timezone", "event_uri", "event_uuid", "created_at", "updated_at",
         * "rescheduled", "old_invitee", "new_invitee", "cancel_url",
         * "reschedule_url"), "cancellation" (null or ["canceled_by",
         * "reason", "canceler_type", "canceled_at"]), "no_show" (null or
         * ["uri", "uuid", "created_at"]) and "scheduled_event" (null or the
         * shape of ScheduledEvent::toArray()).  Every key is always present;
         * for kind "other" the invitee's keys are null.
         */
        public function toArray(): array {}

        /** The body re-encoded with known-sensitive parts removed. */
        public function redactedJson(): string {}
    }

    /**
     * A REST scheduled event (back-fill and look-ups).
     * @strict-properties
     * @not-serializable
     */
    final class ScheduledEvent
    {
        private function __construct() {}

        public static function parse(string $json): ScheduledEvent {}

        public function uri(): string {}

        /**
         * "uri", "uuid", "name", "status", "start_time", "end_time",
         * "event_type", "location_type", "join_url", "hosts" (list of
         * ["user_uri", "email", "name"]), "created_at", "updated_at".
         */
        public function toArray(): array {}
    }

    /**
     * The session state rules.  Every apply* returns
     * ["facts" => array, "status" => string, "old_status" => string,
     *  "conflict" => bool, "old_conflict" => bool,
     *  "changes" => [field => [old, new], ...], "notes" => [string, ...],
     *  "attendance_due_at" => ?int, "needs_attendance" => bool,
     *  "counts_alone" => bool,
     *  "outbound" => [["action" => string, "invitee_uri" => string,
     *                  "no_show_uri" => ?string], ...]].
     * attendance_due_at: the facts' end_at (microseconds) when the status is
     * "scheduled" and end_at is known, else null; needs_attendance:
     * attendance_due_at !== null && attendance_due_at < now (the call's
     * $now where it has one, else the current time); counts_alone: the
     * status is "attended" (chain effects: chainStanding()).  outbound is
     * empty except for applyMark() with $twoWayNoShow.  The facts'
     * host_email / host_name are the first host's; host_emails holds every
     * host's e-mail as sent, one per line ("\n"), or null.
     */
    final class State
    {
        /** Empty facts (every key present). */
        public static function emptyFacts(): array {}

        /** $now: microseconds, default the current time; $event must not be of kind "other". */
        public static function applyEvent(?array $facts, Event $event, ?int $now = null): array {}

        /**
         * The link an event says about the row of one of its peerUris()
         * ($peerUri; null: the first). A $peerUri the event does not name is
         * a ValueError.
         */
        public static function applyPeer(?array $facts, Event $event, ?string $peerUri = null): array {}

        public static function applyScheduledEvent(?array $facts, ScheduledEvent $event): array {}

        /**
         * $mark: "attended", "no_show", "rescheduled" or "none" (cleared).
         * With $twoWayNoShow, "outbound" names what Calendly must be told:
         * "create_no_show" when the current mark becomes no_show and no
         * Calendly no-show URI is known, "delete_no_show" (with the known
         * "no_show_uri", or null) when it stops being no_show; only for
         * facts with a non-empty invitee_uri.
         */
        public static function applyMark(array $facts, string $mark, int $at, int $by, bool $twoWayNoShow = false): array {}

        /**
         * A session entered by hand (held outside Calendly): $facts null
         * creates one (facts "entered_at" = $at, "entered_by" = $by, start_at
         * $start, end_at $end, all microseconds); the facts of a hand-entered
         * session take an edit of start and end (the last edit by $at wins;
         * the creator stays).  Calsync\InputException, its message naming
         * the field ("start" or "end"), for an end not after the start or a
         * session longer than 24 hours; Calsync\StateException for the facts
         * of a Calendly session (its times belong to Calendly).  The other
         * apply* calls refuse a hand-entered session's facts the same way.
         * $at PHP_INT_MIN (no time) is a ValueError.
         */
        public static function applyManual(?array $facts, int $start, int $end, int $at, int $by): array {}

        /**
         * A privacy erasure at $at (microseconds): the answer's facts carry
         * "erased_at" (the earliest erasure) and no personal fact (email,
         * name, timezone, cancel_url, reschedule_url, cancel_reason,
         * canceled_by), and no later apply* or merge brings one back.
         * PHP_INT_MIN (no time) is a ValueError.
         */
        public static function applyErasure(array $facts, int $at): array {}

        /** The join of two fact sets of one invitee: returns the facts only. */
        public static function merge(array $a, array $b): array {}

        /**
         * ["status" => string, "conflict" => bool, "mark" => string,
         *  "attendance_due_at" => ?int, "needs_attendance" => bool,
         *  "counts_alone" => bool]; $now: microseconds, default the current time.
         */
        public static function derive(array $facts, ?int $now = null): array {}

        /**
         * Two answers of apply*, the second applied to the first's facts, as
         * one answer: the second answer with "changes" combined (per field:
         * the first's old value if it changed the field, else the second's;
         * the second's new value if it changed the field, else the first's;
         * in field order), "notes" and "outbound" of both (the first's first),
         * and "old_status" / "old_conflict" of the first.
         */
        public static function then(array $first, array $second): array {}

        /**
         * Which rows count toward progress, as a list of bools in input
         * order.  $rows: a list of ["uri" => string, "rescheduled_to_uri" =>
         * ?string, "status" => string, "student_id" => ?int] (other keys are
         * ignored; at most 1000 rows).  A row counts iff it is "attended",
         * has a student, and no attended row of the same student follows it
         * along rescheduled_to_uri (URIs case-insensitive, at most 20 rows,
         * stopping at a missing row or a loop).
         */
        public static function chainStanding(array $rows): array {}

        /** Our status name for ours or a legacy spelling, or null if unknown. */
        public static function normalizeStatus(string $status): ?string {}
    }

    final class Email
    {
        /** Trimmed, lower-cased; throws InputException (not a ValueError) when not an address. */
        public static function normalize(string $email): string {}

        /**
         * $candidates: list of ["user_id" => int, "email" => string,
         * "name" => ?string, "alias" => bool].  Returns ["link" => ?int,
         * "matches" => [["user_id" => int, "reason" => string, "distance" => int,
         * "index" => int (position in $candidates)], ...]], best first.
         */
        public static function match(string $email, ?string $name, array $candidates): array {}
    }

    /**
     * @strict-properties
     * @not-serializable
     */
    final class Sealer
    {
        /** Derives the sealing key from a secret of at least 16 bytes (ValueError otherwise). */
        public function __construct(#[\SensitiveParameter] string $secret) {}

        /** "cs1.<key id>.<data>" bound to $context (the setting's name). */
        public function seal(#[\SensitiveParameter] string $plain, string $context): string {}

        /** Throws SealException ("format", "key" or "auth"). */
        public function open(string $sealed, string $context): string {}

        /** The 8 hex digits that sealed values carry for this key. */
        public function keyId(): string {}
    }

    /**
     * The Calendly REST client: one reused connection, bearer token, timeouts,
     * back-off on 429/5xx honouring X-RateLimit-Reset and Retry-After.
     * Lists return ["items" => [...], "next_page_token" => ?string]; pass the
     * token back with the same query to get the next page.  Every method
     * throws ApiException on an error answer and PayloadException on an
     * answer that does not parse.
     *
     * @strict-properties
     * @not-serializable
     */
    final class Client
    {
        /**
         * $options: connect_timeout_ms, timeout_ms, max_retries, max_wait_ms
         * (ints), ca_file, user_agent (strings), proxy ("http://host:port",
         * "socks5h://host:port"), proxy_userpwd ("user:password"), noproxy
         * ("host,.domain" or "*") (strings; "" or null for none).  Unknown
         * keys: ValueError.  Only the proxy given here is used: http_proxy,
         * https_proxy, all_proxy and no_proxy in the environment never are.
         * The options are copied into the core and not kept: var_dump() and
         * stack traces never show proxy_userpwd.
         */
        public function __construct(string $baseUrl, #[\SensitiveParameter] string $token, #[\SensitiveParameter] array $options = []) {}

        /** GET /users/me: the "resource" array (uri, current_organization, ...). */
        public function currentUser(): array {}

        /** GET /event_types with $query (user or organization, ...): items are arrays. */
        public function eventTypes(array $query, ?string $pageToken = null): array {}

        /**
         * GET /scheduled_events with $query (user, organization, invitee_email,
         * status, min_start_time, max_start_time, sort, count): items are
         * ScheduledEvent objects.
         */
        public function scheduledEvents(array $query, ?string $pageToken = null): array {}

        public function scheduledEvent(string $uuid): ScheduledEvent {}

        /** GET /scheduled_events/{uuid}/invitees: items are Event objects of kind "rest_invitee". */
        public function invitees(string $eventUuid, array $query = [], ?string $pageToken = null): array {}

        public function invitee(string $eventUuid, string $inviteeUuid): Event {}

        /** POST /webhook_subscriptions; returns the "resource" array. */
        public function createSubscription(string $url, array $events, string $organization, string $scope, ?string $user, #[\SensitiveParameter] string $signingKey): array {}

        /** GET /webhook_subscriptions with $query (organization, scope, user): items are arrays. */
        public function subscriptions(array $query, ?string $pageToken = null): array {}

        public function subscription(string $uuid): array {}

        public function deleteSubscription(string $uuid): void {}

        /** POST /invitee_no_shows; returns the "resource" array (uri, invitee, created_at). */
        public function createNoShow(string $inviteeUri): array {}

        /** DELETE /invitee_no_shows/{uuid} (the no-show's UUID, not the invitee's). */
        public function deleteNoShow(string $uuid): void {}

        /**
         * ["requests" => int, "retries" => int, "throttled" => int,
         *  "slept_ms" => int, "rate_limit" => ["limit" => ?int,
         *  "remaining" => ?int, "reset_in_ms" => ?int]].
         */
        public function stats(): array {}
    }

    /**
     * The OAuth 2.0 client of Calendly's auth base (https://auth.calendly.com):
     * form bodies, HTTP Basic client authentication with the client id and
     * secret, no bearer token.  $options as for Client (timeouts, retries,
     * ca_file, user_agent, proxy, proxy_userpwd, noproxy).  A token answer is
     * ["access_token" => string, "refresh_token" => ?string (single use:
     * store the new one every time), "token_type" => ?string,
     * "expires_in" => ?int (seconds), "created_at" => ?int (Unix seconds),
     * "scope" => ?string, "owner" => ?string (user URI), "organization" =>
     * ?string (null when Calendly leaves it out: ask Client::currentUser())].
     * An OAuth error answer is an ApiException whose $title is the OAuth
     * error ("invalid_grant") and $status the HTTP status.
     *
     * @strict-properties
     * @not-serializable
     */
    final class AuthClient
    {
        public function __construct(string $baseUrl, string $clientId, #[\SensitiveParameter] string $clientSecret, #[\SensitiveParameter] array $options = []) {}

        /** POST /oauth/token, grant_type=authorization_code ($codeVerifier: PKCE, optional). */
        public function exchangeCode(#[\SensitiveParameter] string $code, string $redirectUri, #[\SensitiveParameter] ?string $codeVerifier = null): array {}

        /** POST /oauth/token, grant_type=refresh_token. */
        public function refresh(#[\SensitiveParameter] string $refreshToken): array {}

        /** POST /oauth/revoke (client_id, client_secret, token as form fields). */
        public function revoke(#[\SensitiveParameter] string $token): void {}
    }
}
