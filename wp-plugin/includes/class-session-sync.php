<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Applies verified Calendly deliveries: parse, filter, dedupe through the ledger, then the core's
 * decision written to the session rows, the ledger and the audit trail in one transaction.
 *
 * No decision about session state is taken here: rows are loaded, Calsync\State
 * answers, and its answer is written.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SessionSync {

	/** The links of a row not stored yet: no student, no coach, never unlinked. */
	private const NEW_ROW = array(
		'student_id'       => null,
		'student_unlinked' => 0,
		'coach_id'         => null,
	);

	/** Retry of failed ledger rows: attempts in all, first delay and cap (seconds). */
	public const MAX_ATTEMPTS = 8;
	public const RETRY_BASE   = 60;
	public const RETRY_CAP    = 21600;

	private Database $db;
	private SessionRepository $sessions;
	private SessionWriter $writer;
	private LedgerRepository $ledger;
	private UserRepository $users;
	private Settings $settings;

	public function __construct( Database $db, SessionRepository $sessions, SessionWriter $writer, LedgerRepository $ledger, UserRepository $users, Settings $settings ) {
		$this->db       = $db;
		$this->sessions = $sessions;
		$this->writer   = $writer;
		$this->ledger   = $ledger;
		$this->users    = $users;
		$this->settings = $settings;
	}

	/**
	 * Handles one delivery whose signature was verified.
	 *
	 * @param string   $body        The raw body, byte for byte.
	 * @param int|null $signature_t The header's t.
	 * @param bool     $stale       Authentic but outside the tolerance: kept, not applied.
	 * @return array{outcome:string,ledger_id:?int,session_id:?int}
	 *         outcome: processed, duplicate, ignored, stale or failed.
	 * @throws DatabaseError When the database fails (the caller answers 503).
	 */
	public function receive( string $body, ?int $signature_t, bool $stale ): array {
		try {
			$event = \Calsync\Event::parse( $body );
		} catch ( \Calsync\Exception $e ) {
			$error = PluginError::from_core( $e )->getMessage();
			return $this->record( \Calsync\Event::rawDedupeKey( $body ), null, null, $stale ? 'stale' : 'failed', $body, $signature_t, $error );
		}
		$view = $event->toArray();
		$name = is_string( $view['event_name'] ?? null ) ? $view['event_name'] : null;
		$uri  = $event->inviteeUri();
		if ( $stale ) {
			return $this->record( $event->dedupeKey(), $name, $uri, 'stale', $body, $signature_t, null );
		}
		$skip = $this->skip_reason( $event, $view );
		if ( null !== $skip ) {
			return $this->record( $event->dedupeKey(), $name, $uri, $skip[0], $body, $signature_t, $skip[1] );
		}
		$result = $this->apply( $event, $body, $signature_t, null );
		if ( 'failed' === $result['outcome'] ) {
			return $this->record( $event->dedupeKey(), $name, $uri, 'failed', $body, $signature_t, $result['error'] );
		}
		return $result;
	}

	/**
	 * Applies an invitee read from the REST API (back-fill, stale look-up)
	 * through the same state rules, transaction and ledger as a webhook: its
	 * ledger row is keyed by Event::dedupeKey() (a repeat counts another
	 * delivery), and the scheduled event, when given, fills in the rest.
	 *
	 * @param \Calsync\Event               $invitee   Of kind rest_invitee.
	 * @param \Calsync\ScheduledEvent|null $scheduled Its scheduled event.
	 * @param string                        $source    "backfill" or "lookup" (the ledger's event name).
	 * @return array{outcome:string,ledger_id:?int,session_id:?int,error?:string}
	 * @throws DatabaseError When the database fails.
	 */
	public function apply_rest( \Calsync\Event $invitee, ?\Calsync\ScheduledEvent $scheduled, string $source ): array {
		$uri = $invitee->inviteeUri();
		if ( null === $uri || ! self::uris_fit( array( $uri, ...$invitee->peerUris() ) ) ) {
			return array(
				'outcome'    => 'failed',
				'ledger_id'  => null,
				'session_id' => null,
				'error'      => 'invitee URI missing or too long',
			);
		}
		$body   = $invitee->redactedJson();
		$result = $this->apply(
			$invitee,
			$body,
			null,
			null,
			array(
				'source'          => $source,
				'scheduled_event' => $scheduled,
			)
		);
		if ( 'failed' === $result['outcome'] ) {
			// Kept for the ledger's view; not retried from the body (the next back-fill reads it again).
			$result['ledger_id'] = $this->db->transaction(
				function () use ( $invitee, $source, $uri, $body, $result ): int {
					$row = $this->ledger->upsert_locked( $invitee->dedupeKey(), $source, $uri, 'failed', $body, null, $result['error'] ?? null, null, 1 );
					$this->ledger->set_outcome( $row['id'], 'failed', null, $result['error'] ?? null, $row['attempts'] + 1, null );
					return (int) $row['id'];
				}
			);
		}
		return $result;
	}

	/**
	 * Another attempt at a failed ledger row, from its stored body (cron).
	 *
	 * @param array $row id, attempts, raw_body, signature_t.
	 * @return string The row's outcome afterwards.
	 * @throws DatabaseError When the database fails.
	 */
	public function replay( array $row ): string {
		$id       = (int) $row['id'];
		$attempts = (int) $row['attempts'] + 1;
		$t        = null === $row['signature_t'] ? null : (int) $row['signature_t'];
		$error    = null;
		try {
			$event = \Calsync\Event::parse( (string) $row['raw_body'] );
			$skip  = $this->skip_reason( $event, $event->toArray() );
			if ( null !== $skip && 'ignored' === $skip[0] ) {
				$this->ledger->set_outcome( $id, 'ignored', null, $skip[1], $attempts, null );
				return 'ignored';
			}
			if ( null !== $skip ) {
				$error = $skip[1];
			} else {
				$result = $this->apply( $event, (string) $row['raw_body'], $t, $id );
				if ( 'failed' !== $result['outcome'] ) {
					return 'processed';
				}
				$error = $result['error'];
			}
		} catch ( \Calsync\Exception $e ) {
			$error = PluginError::from_core( $e )->getMessage();
		}
		$give_up = $attempts >= self::MAX_ATTEMPTS;
		$this->ledger->set_outcome( $id, $give_up ? 'failed' : 'retrying', null, $error, $attempts, $give_up ? null : self::next_attempt( $attempts ) );
		return $give_up ? 'failed' : 'retrying';
	}

	/** The ledger key of the one pending look-up of an invitee's scheduled event. */
	public static function lookup_key( string $uri ): string {
		return hash( 'sha256', 'lookup ' . strtolower( $uri ) );
	}

	/**
	 * A row whose event type is not a chosen coaching type: kept, but out of every list and
	 * count (type_ignored).  False when there is no such row.
	 *
	 * @throws DatabaseError When the database fails.
	 */
	public function ignore_type( string $uri ): bool {
		return $this->writer->set_type_ignored( $uri, true );
	}

	/**
	 * After the chosen event types changed (Settings page): existing rows follow the new choice,
	 * and the list's counters are counted again, in one transaction.
	 *
	 * @return int Rows changed.
	 * @throws DatabaseError When the database fails (nothing changed).
	 */
	public function reevaluate_types(): int {
		return $this->db->transaction( fn() => $this->writer->reevaluate_types( (array) $this->settings->get( 'event_types' ) ) );
	}

	/** When attempt number $attempts + 1 is due: exponential back-off with a cap. */
	public static function next_attempt( int $attempts ): string {
		$delay = (int) min( self::RETRY_CAP, self::RETRY_BASE * ( 2 ** max( 0, $attempts - 1 ) ) );
		return gmdate( 'Y-m-d H:i:s', time() + $delay );
	}

	/**
	 * Why a parsed delivery is not applied: [outcome, reason], or null.
	 *
	 * @return array{0:string,1:string}|null
	 */
	private function skip_reason( \Calsync\Event $event, array $view ): ?array {
		$kind = $event->kind();
		if ( 'other' === $kind || 'rest_invitee' === $kind ) {
			return array( 'ignored', 'not a session event: ' . (string) ( $view['event_name'] ?? '' ) );
		}
		$types     = (array) $this->settings->get( 'event_types' );
		$scheduled = is_array( $view['scheduled_event'] ?? null ) ? $view['scheduled_event'] : null;
		if ( $types && null !== $scheduled && ! in_array( $scheduled['event_type'] ?? null, $types, true ) ) {
			return array( 'ignored', 'event type not chosen as a coaching session: ' . (string) ( $scheduled['event_type'] ?? '' ) );
		}
		if ( ! self::uris_fit( array( (string) $event->inviteeUri(), ...$event->peerUris() ) ) ) {
			return array( 'failed', sprintf( 'invitee URI longer than %d bytes', SessionRepository::URI_MAX ) );
		}
		if ( null === $event->inviteeUri() ) {
			return array( 'failed', 'no invitee URI' );
		}
		foreach ( array( 'start_time', 'end_time' ) as $key ) {
			if ( null !== $scheduled && is_int( $scheduled[ $key ] ?? null ) && ! Clock::fits_datetime( $scheduled[ $key ] ) ) {
				return array( 'failed', 'payload.scheduled_event.' . $key . ': outside the years 1000 to 9999' );
			}
		}
		return null;
	}

	/**
	 * Stores a delivery that is not applied (stale, failed, ignored); a copy
	 * of an already processed delivery is a duplicate.
	 *
	 * @return array{outcome:string,ledger_id:?int,session_id:?int}
	 */
	private function record( string $dedupe_key, ?string $name, ?string $uri, string $outcome, string $body, ?int $signature_t, ?string $error ): array {
		// Signed fields can be as long as the body: what does not fit a column is kept only in
		// the body, so that the insert cannot fail and the delivery never loops on 503.
		$name   = null !== $name && strlen( $name ) > LedgerRepository::NAME_MAX ? null : $name;
		$uri    = null !== $uri && strlen( $uri ) > SessionRepository::URI_MAX ? null : $uri;
		$error  = null === $error ? null : mb_strcut( $error, 0, LedgerRepository::ERROR_MAX, 'UTF-8' );
		$failed = 'failed' === $outcome;
		$row    = $this->db->transaction( fn() => $this->ledger->upsert_locked( $dedupe_key, $name, $uri, $outcome, $body, $signature_t, $error, $failed ? self::next_attempt( 1 ) : null, $failed ? 1 : 0 ) );
		$stored = $row['inserted'] ? $outcome : $row['outcome'];
		return array(
			'outcome'    => 'processed' === $stored ? 'duplicate' : $stored,
			'ledger_id'  => $row['id'],
			'session_id' => null,
		);
	}

	/**
	 * The transaction, tried again after a deadlock.
	 *
	 * @return array{outcome:string,ledger_id:?int,session_id:?int,error?:string}
	 */
	private function apply( \Calsync\Event $event, string $body, ?int $signature_t, ?int $ledger_id, ?array $rest = null ): array {
		try {
			return $this->db->transaction( fn() => $this->apply_once( $event, $body, $signature_t, $ledger_id, $rest ) );
		} catch ( \Calsync\Exception | \ValueError $e ) {
			// The state rules refused the stored facts or the event (for
			// example a row that holds another invitee): nothing written.
			return array(
				'outcome'    => 'failed',
				'ledger_id'  => $ledger_id,
				'session_id' => null,
				'error'      => 'state: ' . $e->getMessage(),
			);
		}
	}

	/** @return array{outcome:string,ledger_id:?int,session_id:?int} */
	private function apply_once( \Calsync\Event $event, string $body, ?int $signature_t, ?int $ledger_id, ?array $rest = null ): array {
		$now_us = Clock::now_us();
		$now    = Clock::mysql_now();
		$uri    = (string) $event->inviteeUri();
		$peers  = $event->peerUris();
		$name   = null === $rest ? (string) ( $event->toArray()['event_name'] ?? $event->kind() ) : $rest['source'];

		if ( null === $ledger_id ) {
			$ledger = $this->ledger->upsert_locked( $event->dedupeKey(), $name, $uri, 'processed', $body, $signature_t, null, null, 0 );
		} else {
			$ledger = $this->ledger->lock( $ledger_id );
			if ( null === $ledger ) {
				throw new DatabaseError( 'ledger row ' . $ledger_id . ' not found' );
			}
			$ledger['inserted'] = false;
		}
		// An API answer is applied again even when seen before: the facts merge
		// idempotently, and its scheduled event may have moved meanwhile.
		if ( null === $rest && ! $ledger['inserted'] && 'processed' === $ledger['outcome'] ) {
			return array(
				'outcome'    => 'duplicate',
				'ledger_id'  => $ledger['id'],
				'session_id' => null,
			);
		}

		$by  = new AuditActor( 'calendly', null, $name, $ledger['id'], $now_us );
		$own = null;
		if ( null === $rest && array() === $peers && 'invitee.created' === $event->kind() ) {
			// The first delivery of a booking, as a rule: its row is inserted whole, in one
			// statement.  When the row exists after all, the insert has locked it, and the
			// event is applied to its stored facts below.
			$result = \Calsync\State::applyEvent( null, $event, $now_us );
			$erased = null !== ( $result['facts']['erased_at'] ?? null );
			[ $columns, $more, $coaches ] = $this->links( self::NEW_ROW, $result, $erased ? null : $event->redactedJson() );
			$id = $this->writer->insert_answer( $uri, $result, $by, $columns, $more, $coaches );
			if ( null !== $id ) {
				$own = array( 'id' => $id );
			}
		}
		if ( null === $own ) {
			[ $own, $result ] = $this->apply_to_rows( $event, $uri, $peers, $now, $now_us, $rest, $by, $name );
			$erased           = null !== ( $result['facts']['erased_at'] ?? null );
		}

		// Processed: the raw bytes are no longer needed; the redacted envelope replaces them, in
		// the statement that records the outcome.
		$redacted = null === $rest && ! $erased ? $event->redactedJson() : null;
		$this->ledger->set_outcome( $ledger['id'], 'processed', (int) $own['id'], null, $ledger['attempts'] + 1, null, $redacted );
		if ( null === $rest && null === ( $result['facts']['sched_updated_at'] ?? null ) && ! is_array( $event->toArray()['scheduled_event'] ?? null ) ) {
			// A payload without its scheduled event: the row exists now; its times and event
			// type come from a look-up, queued here and run with the stale look-ups.
			$this->ledger->upsert_locked( self::lookup_key( $uri ), 'lookup', $uri, 'stale', $event->redactedJson(), null, 'waiting for a look-up of its scheduled event', null, 0 );
		}
		if ( $erased ) {
			// An erased invitee: no ledger row keeps a body that names them.
			$this->ledger->clear_bodies_of_invitee( $uri, (int) $own['id'] );
		}
		return array(
			'outcome'    => 'processed',
			'ledger_id'  => $ledger['id'],
			'session_id' => (int) $own['id'],
			'erased'     => $erased,
		);
	}

	/**
	 * Applies the event to the invitee's row and to each reschedule peer it
	 * names, each created as a stub when missing, under their row locks.
	 *
	 * @param string[] $peers The event's peerUris().
	 * @return array{0:array<string,mixed>,1:array} The invitee's row as read, and the core's answer for it.
	 */
	private function apply_to_rows( \Calsync\Event $event, string $uri, array $peers, string $now, int $now_us, ?array $rest, AuditActor $by, string $name ): array {
		// Lock every end of a reschedule in one fixed order (by URI), so two
		// deliveries of one chain never wait for each other crosswise.
		$others = array();
		foreach ( $peers as $peer ) {
			if ( strtolower( $peer ) !== strtolower( $uri ) ) {
				$others[ strtolower( $peer ) ] = $peer;
			}
		}
		$uris = array_merge( array( $uri ), array_values( $others ) );
		sort( $uris, SORT_STRING );
		$created = array();
		$stubs   = array();
		foreach ( $uris as $u ) {
			$stub                        = $this->writer->ensure_locked( $u, $now );
			$created[ strtolower( $u ) ] = null !== $stub;
			if ( null !== $stub ) {
				$stubs[ strtolower( $u ) ] = $stub;
			}
		}
		// Rows created just now are the writer's stubs (and locked by their insert); only rows
		// that existed are read.
		$rows  = count( $stubs ) === count( $uris ) ? $stubs : array_merge( $this->sessions->lock_by_uris( $uris ), $stubs );
		$empty = \Calsync\State::emptyFacts();
		$own   = $rows[ strtolower( $uri ) ] ?? null;
		if ( null === $own ) {
			throw new DatabaseError( 'session row not found after insert' );
		}

		$facts  = $created[ strtolower( $uri ) ] ? null : $this->sessions->row_to_facts( $own, $empty );
		$result = \Calsync\State::applyEvent( $facts, $event, $now_us );
		if ( null !== ( $rest['scheduled_event'] ?? null ) ) {
			$result = \Calsync\State::then( $result, \Calsync\State::applyScheduledEvent( $result['facts'], $rest['scheduled_event'] ) );
		}
		$erased = null !== ( $result['facts']['erased_at'] ?? null );
		$this->write( $own, $result, $created[ strtolower( $uri ) ], $by, null === $rest && ! $erased ? $event->redactedJson() : null );

		foreach ( $others as $key => $peer ) {
			$other = $rows[ $key ] ?? null;
			if ( null === $other ) {
				throw new DatabaseError( 'peer session row not found after insert' );
			}
			$pfacts  = $created[ $key ] ? null : $this->sessions->row_to_facts( $other, $empty );
			$presult = \Calsync\State::applyPeer( $pfacts, $event, $peer );
			$this->write( $other, $presult, $created[ $key ], $by->as( 'calendly', $name . ' (reschedule link)' ), null );
		}

		return array( $own, $result );
	}

	/** @param string[] $uris Whether every URI fits the sessions table. */
	private static function uris_fit( array $uris ): bool {
		foreach ( $uris as $u ) {
			if ( strlen( $u ) > SessionRepository::URI_MAX ) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The core's answer to a locked row, stored by the writer, with the
	 * student and coach links that a changed e-mail or host decides.
	 */
	private function write( array $row, array $result, bool $created, AuditActor $by, ?string $webhook_data ): void {
		[ $columns, $more, $coaches ] = $this->links( $row, $result, $webhook_data );
		$this->writer->store_answer( $row, $created, $result, $by, $columns, $more, $coaches );
	}

	/**
	 * The columns stored with a core answer besides its own: the webhook
	 * data, and the student and coaches that a changed e-mail or host links.
	 *
	 * @param array{student_id:?int|string,student_unlinked?:int|string,coach_id:?int|string} $row The row before.
	 * @return array{0:array<string,int|string|null>,1:array<int,array>,2:?array<int,int>} Columns, their audit rows
	 *         for SessionWriter, and the session's coaches (null: unchanged).
	 */
	private function links( array $row, array $result, ?string $webhook_data ): array {
		$facts   = $result['facts'];
		$changes = (array) $result['changes'];
		$columns = array();
		$more    = array();
		$coaches = null;
		if ( null !== $webhook_data ) {
			$columns['webhook_data'] = $webhook_data;
		}
		// Student: on insert and whenever the e-mail changes; a link once made
		// (possibly by the admin) is never undone here.
		// Never a row an admin unlinked, nor an erased one.
		$student_email = isset( $changes['email'] ) && null === $row['student_id'] && 0 === (int) ( $row['student_unlinked'] ?? 0 ) && null === ( $facts['erased_at'] ?? null ) && is_string( $facts['email'] ?? null )
			? self::normalized( $facts['email'] ) : null;
		// Coaches: the users whose e-mail is a host's, whenever the hosts change.
		$hosts = isset( $changes['host_email'] ) || isset( $changes['host_emails'] ) ? self::host_addresses( $facts ) : array();
		if ( null !== $student_email || $hosts ) {
			$people = $this->users->people( $student_email, $hosts ); // One statement for both.
			if ( null !== $student_email ) {
				$student = $this->match_student( (string) $facts['email'], $student_email, $facts['name'] ?? null, $people['candidates'] );
				if ( null !== $student ) {
					$columns['student_id'] = $student;
					$more[]                = array( 'sync', 'student_id', null, (string) $student, 'e-mail match' );
				}
			}
			$matched = array();
			foreach ( $hosts as $host ) {
				if ( isset( $people['coaches'][ $host ] ) ) {
					$matched[] = $people['coaches'][ $host ];
				}
			}
			$matched = array_values( array_unique( $matched ) );
			// A host list that matches nobody leaves the links as they are (as coach_id always did).
			if ( $matched ) {
				$coaches = $matched;
				$coach   = $matched[0]; // coach_id: the first host that is a user, for the portal's older code.
				if ( (int) $row['coach_id'] !== $coach ) {
					$columns['coach_id'] = $coach;
					$more[]              = array( 'sync', 'coach_id', null === $row['coach_id'] ? null : (string) $row['coach_id'], (string) $coach, 'host e-mail match' );
				}
			}
		}
		return array( $columns, $more, $coaches );
	}

	/**
	 * The hosts' addresses of the facts, normalized, in host order: every host's (host_emails,
	 * one per line), or the first host's alone for facts stored before they were kept.
	 *
	 * @return string[]
	 */
	public static function host_addresses( array $facts ): array {
		$lines = is_string( $facts['host_emails'] ?? null ) && '' !== $facts['host_emails']
			? explode( "\n", $facts['host_emails'] )
			: ( is_string( $facts['host_email'] ?? null ) ? array( $facts['host_email'] ) : array() );
		$out = array();
		foreach ( $lines as $line ) {
			$normalized = self::normalized( $line );
			if ( null !== $normalized && ! in_array( $normalized, $out, true ) ) {
				$out[] = $normalized;
			}
		}
		return $out;
	}

	/** An address as the core normalizes it; null when it is not one (the row waits, unmatched, for the admin). */
	private static function normalized( string $email ): ?string {
		try {
			return \Calsync\Email::normalize( $email );
		} catch ( \Calsync\Exception $e ) {
			return null;
		}
	}

	/**
	 * The student the core matches among the candidates for the address.
	 *
	 * @param array<int,array{user_id:int,email:string,name:?string,alias:bool}> $candidates
	 */
	private function match_student( string $email, string $normalized, ?string $name, array $candidates ): ?int {
		// An account whose e-mail nobody vouched for does not claim bookings on its own: the
		// booking waits in Unmatched bookings ("exact e-mail, unconfirmed account").
		$candidates = array_values(
			array_filter(
				$candidates,
				fn( array $c ): bool => $c['alias'] || strtolower( $this->users->unconfirmed_email( (int) $c['user_id'] ) ) !== $normalized
			)
		);
		if ( ! $candidates ) {
			return null;
		}
		$match = \Calsync\Email::match( $email, $name, $candidates );
		return isset( $match['link'] ) ? (int) $match['link'] : null;
	}
}
