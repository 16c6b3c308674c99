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

namespace Calsync {

    /**
     * Base of every exception this extension throws for bad input.
     * getCode() is libcalsync's calsync_code (a negative number).
     */
    class Exception extends \Exception {}

    /** Verification failed; $reason says which of the four outcomes. */
    final class SignatureException extends Exception
    {
        /** "malformed", "mismatch", "too_old" or "too_new". */
        public readonly string $reason;
        /** The header's t (seconds) when the header parsed, else null. */
        public readonly ?int $timestamp;
    }

    /** A body or API answer that cannot be handled; $path names the field. */
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

    /** Facts and event disagree (different invitees) or facts are malformed. */
    final class StateException extends Exception {}

    final class Time
    {
        /** RFC 3339 to microseconds; throws PayloadException. */
        public static function parse(string $value): int {}

        /** Microseconds to "YYYY-MM-DDTHH:MM:SS.ffffffZ". */
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

        /**
         * "invitee.created", "invitee.canceled", "invitee_no_show.created",
         * "invitee_no_show.deleted", "rest_invitee" or "other".
         */
        public function kind(): string {}

        /** The stable dedupe key (64 hex digits). */
        public function dedupeKey(): string {}

        /** The invitee URI, or null for kind "other". */
        public function inviteeUri(): ?string {}

        /** The other end of a reschedule named by this event, or null. */
        public function peerUri(): ?string {}

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
     *  "changes" => [field => [old, new], ...], "notes" => [string, ...]].
     */
    final class State
    {
        /** Empty facts (every key present). */
        public static function emptyFacts(): array {}

        /** $now: microseconds, default the current time; $event must not be of kind "other". */
        public static function applyEvent(?array $facts, Event $event, ?int $now = null): array {}

        public static function applyPeer(?array $facts, Event $event): array {}

        public static function applyScheduledEvent(?array $facts, ScheduledEvent $event): array {}

        /** $mark: "attended", "no_show", "rescheduled" or "none" (cleared). */
        public static function applyMark(array $facts, string $mark, int $at, int $by): array {}

        /** The join of two fact sets of one invitee: returns the facts only. */
        public static function merge(array $a, array $b): array {}

        /** ["status" => string, "conflict" => bool, "mark" => string]. */
        public static function derive(array $facts): array {}

        /** Our status name for ours or a legacy spelling, or null if unknown. */
        public static function normalizeStatus(string $status): ?string {}
    }

    final class Email
    {
        /** Trimmed, lower-cased; throws Calsync\Exception (not a ValueError) when not an address. */
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
}
