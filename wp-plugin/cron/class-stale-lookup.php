<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WP-Cron job tfsp_calendly_stale_lookup (every five minutes, under a database lock): for each stale
 * delivery (authentic signature, timestamp outside the tolerance), the invitee is read through the API
 * and the API's answer applied; the stale body itself is never applied.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Cron;

use TFSP\CalendlySync\Api;
use TFSP\CalendlySync\ApiError;
use TFSP\CalendlySync\Database;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\LedgerRepository;
use TFSP\CalendlySync\SessionSync;
use TFSP\CalendlySync\Settings;

defined( 'ABSPATH' ) || exit;

final class StaleLookup {

	public const HOOK = 'tfsp_calendly_stale_lookup';

	/** Rows per run (two requests each). */
	private const BATCH = 50;

	private Database $db;
	private LedgerRepository $ledger;
	private SessionSync $sync;
	private Api $api;
	private Settings $settings;

	public function __construct( Database $db, LedgerRepository $ledger, SessionSync $sync, Api $api, Settings $settings ) {
		$this->db       = $db;
		$this->ledger   = $ledger;
		$this->sync     = $sync;
		$this->api      = $api;
		$this->settings = $settings;
	}

	/** @return array<string,int> Outcomes counted; empty when another node holds the lock. */
	public function run(): array {
		try {
			return $this->db->with_lock( 'stale', fn() => $this->resolve_due(), 0, array() );
		} catch ( DatabaseError $e ) {
			return array(); // The lock could not be asked for: the next run tries again.
		}
	}

	/** The job itself, run under its lock. */
	private function resolve_due(): array {
		$counts = array();
		$looked = array(); // Invitee URI => the look-up's result, once per invitee and run.
		try {
			foreach ( $this->ledger->stale_due( gmdate( 'Y-m-d H:i:s' ), self::BATCH ) as $row ) {
				$outcome            = $this->resolve( $row, $looked );
				$counts[ $outcome ] = ( $counts[ $outcome ] ?? 0 ) + 1;
				if ( 'unreachable' === $outcome ) {
					break; // Calendly cannot be asked now: the rest waits for the next run.
				}
			}
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync stale look-up: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
		return $counts;
	}

	/**
	 * Looks one stale delivery's invitee up and applies the answer.  The answer is the
	 * invitee's state now, so it settles every stale delivery of that invitee: a second one in
	 * the same run takes the first one's result, with no second look-up and no second
	 * application (which would repeat the first one's audit entries).
	 *
	 * @param array<string,array> $looked Results of this run's look-ups, by invitee URI.
	 * @throws DatabaseError
	 */
	private function resolve( array $row, array &$looked ): string {
		$id       = (int) $row['id'];
		$attempts = (int) $row['attempts'] + 1;
		try {
			$event = \Calsync\Event::parse( (string) $row['raw_body'] );
		} catch ( \Calsync\Exception $e ) {
			$this->ledger->set_outcome( $id, 'failed', null, 'stale delivery that does not parse: ' . $e->getMessage(), $attempts, null );
			return 'failed';
		}
		$view = $event->toArray();
		if ( 'other' === $event->kind() || ! is_string( $view['uri'] ?? null ) || ! is_string( $view['event_uri'] ?? null ) ) {
			$this->ledger->set_outcome( $id, 'ignored', null, 'stale delivery not about an invitee', $attempts, null );
			return 'ignored';
		}
		if ( isset( $looked[ $view['uri'] ] ) ) {
			return $this->settle( $id, $attempts, $event, $looked[ $view['uri'] ] );
		}
		try {
			$invitee   = $this->api->invitee( Api::uuid_of( $view['event_uri'] ), Api::uuid_of( $view['uri'] ) );
			$scheduled = $this->api->scheduled_event( Api::uuid_of( $view['event_uri'] ) );
		} catch ( ApiError $e ) {
			if ( $e->is_transient() ) {
				$this->ledger->set_outcome( $id, 'stale', null, 'look-up: ' . $e->getMessage(), $attempts, SessionSync::next_attempt( $attempts ) );
				return 'unreachable';
			}
			$give_up = in_array( $e->kind, array( 'not_found', 'argument' ), true ) || $attempts >= SessionSync::MAX_ATTEMPTS;
			$this->ledger->set_outcome( $id, $give_up ? 'failed' : 'stale', null, 'look-up: ' . $e->getMessage(), $attempts, $give_up ? null : SessionSync::next_attempt( $attempts ) );
			return $give_up ? 'failed' : 'retrying';
		}
		$types = (array) $this->settings->get( 'event_types' );
		$type  = $scheduled->toArray()['event_type'] ?? null;
		if ( $types && ! in_array( $type, $types, true ) ) {
			// A row made from a payload without its scheduled event is kept, completed, and out
			// of every list and count (so that choosing its type later brings it back whole).
			if ( $this->sync->ignore_type( (string) $view['uri'] ) ) {
				$this->sync->apply_rest( $invitee, $scheduled, 'lookup' );
			}
			$this->ledger->set_outcome( $id, 'ignored', null, 'event type not chosen as a coaching session: ' . (string) $type, $attempts, null );
			return 'ignored';
		}
		$result                 = $this->sync->apply_rest( $invitee, $scheduled, 'lookup' );
		$looked[ $view['uri'] ] = $result;
		return $this->settle( $id, $attempts, $event, $result );
	}

	/** Records a stale delivery's outcome from the look-up's result. @throws DatabaseError */
	private function settle( int $id, int $attempts, \Calsync\Event $event, array $result ): string {
		if ( 'failed' === $result['outcome'] ) {
			$this->ledger->set_outcome( $id, 'failed', null, 'look-up: ' . ( $result['error'] ?? 'not applied' ), $attempts, null );
			return 'failed';
		}
		/* translators: %d: ledger row id */
		$note = sprintf( 'stale delivery: the API\'s answer was applied instead (ledger #%d)', (int) $result['ledger_id'] );
		$this->ledger->set_outcome( $id, 'processed', $result['session_id'], $note, $attempts, null );
		if ( empty( $result['erased'] ) ) {
			// Processed: the raw bytes give way to the redacted envelope (an erased invitee's
			// bodies were emptied by the writer already).
			$this->ledger->replace_body( $id, $event->redactedJson() );
		}
		return 'processed';
	}
}
