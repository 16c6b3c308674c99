<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A coach's attendance mark (attended, no-show, rescheduled, or cleared): applied with
 * Calsync\State::applyMark in a transaction with the row locked, audited with actor "coach", and,
 * with two_way_no_show on, sent to Calendly as a no-show (created, or deleted when cleared).
 *
 * The no-show webhook that Calendly sends back is absorbed by the state
 * rules (it only echoes the coach's mark), so it causes no second change.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Attendance {

	public const MARKS = array( 'attended', 'no_show', 'rescheduled', 'none' );

	private Database $db;
	private SessionRepository $sessions;
	private SessionWriter $writer;
	private AuditRepository $audit;
	private Settings $settings;
	private Api $api;
	private SessionAccess $access;

	public function __construct( Database $db, SessionRepository $sessions, SessionWriter $writer, AuditRepository $audit, Settings $settings, Api $api, SessionAccess $access ) {
		$this->db       = $db;
		$this->sessions = $sessions;
		$this->writer   = $writer;
		$this->audit    = $audit;
		$this->settings = $settings;
		$this->api      = $api;
		$this->access   = $access;
	}

	/**
	 * Applies a coach's mark.  Only one of the session's coaches, or a user who may mark any
	 * session, may mark it (the "forbidden" error, 403, otherwise): the REST route, the bulk
	 * action and the row buttons all come here.
	 *
	 * @param string $mark "attended", "no_show", "rescheduled" or "none" (cleared).
	 * @return array{status:string,changed:bool,calendly:?string,at_us:int}|\WP_Error
	 *         calendly: null (nothing sent), "created", "deleted", or the error's message;
	 *         at_us: the mark's instant, which its audit rows carry (a note given with it too).
	 */
	public function mark( int $session_id, string $mark, int $coach_id ) {
		$missing = Plugin::core_missing();
		if ( null !== $missing ) {
			return $missing->to_wp_error(); // The core derives the status a mark leads to.
		}
		if ( ! in_array( $mark, self::MARKS, true ) ) {
			return ( new PluginError( 'input', 'not a mark: ' . $mark, array( 'params' => array( 'mark' => __( 'That is not an attendance mark.', 'tfsp-calendly-sync' ) ) ) ) )->to_wp_error( __( 'That is not an attendance mark.', 'tfsp-calendly-sync' ) );
		}
		$two_way = (bool) $this->settings->get( 'two_way_no_show' );
		try {
			$result = $this->db->transaction(
				function () use ( $session_id, $mark, $coach_id, $two_way ): ?array {
					$row = $this->sessions->lock_by_id( $session_id );
					if ( null === $row ) {
						return null;
					}
					if ( ! $this->access->may_mark( $coach_id, $session_id ) ) {
						return array( 'forbidden' => true );
					}
					$by     = new AuditActor( 'coach', $coach_id, 'attendance mark' );
					$facts  = $this->sessions->row_to_facts( $row, \Calsync\State::emptyFacts() );
					$answer = \Calsync\State::applyMark( $facts, $mark, $by->at_us, $coach_id, $two_way );
					$this->writer->store_answer( $row, false, $answer, $by );
					$answer['at_us'] = $by->at_us;
					return $answer;
				}
			);
		} catch ( DatabaseError $e ) {
			return $e->to_wp_error( __( 'The mark could not be saved because of a database error.', 'tfsp-calendly-sync' ) );
		} catch ( \Calsync\Exception | \ValueError $e ) {
			$error = PluginError::from_core( $e );
			return $error->to_wp_error( $error->notice( $e->getMessage() ) );
		}
		if ( null === $result ) {
			return ( new PluginError( 'no_session', 'no session ' . $session_id ) )->to_wp_error();
		}
		if ( isset( $result['forbidden'] ) ) {
			return ( new PluginError( 'forbidden', 'user ' . $coach_id . ' is not a coach of session ' . $session_id ) )->to_wp_error();
		}

		// The core's outbound actions: the two-way no-show, carried out after the commit.
		$calendly = null;
		foreach ( (array) ( $result['outbound'] ?? array() ) as $action ) {
			if ( 'create_no_show' === $action['action'] ) {
				$calendly = $this->send_no_show( $session_id, (string) $action['invitee_uri'], $coach_id );
			} elseif ( 'delete_no_show' === $action['action'] ) {
				$calendly = $this->delete_no_show( $session_id, (string) $action['invitee_uri'], $action['no_show_uri'] ?? null, $coach_id );
			}
		}
		return array(
			'status'   => (string) $result['status'],
			'changed'  => (bool) $result['changes'],
			'calendly' => $calendly,
			'at_us'    => (int) $result['at_us'],
		);
	}

	private function send_no_show( int $session_id, string $invitee_uri, int $coach_id ): string {
		try {
			$this->api->create_no_show( $invitee_uri );
			return 'created';
		} catch ( ApiError $e ) {
			if ( 'conflict' === $e->kind ) {
				return 'created'; // Already marked in Calendly: the same word.
			}
			$this->note( $session_id, $coach_id, 'Calendly no-show not created: ' . $e->getMessage() );
			return $e->getMessage();
		}
	}

	private function delete_no_show( int $session_id, string $invitee_uri, ?string $noshow_uri, int $coach_id ): ?string {
		try {
			if ( null === $noshow_uri || '' === $noshow_uri ) {
				// The echo of our own no-show has not arrived yet: ask Calendly for its URI.
				$view       = $this->api->invitee( Api::uuid_of( (string) preg_replace( '#/invitees/[^/]+/?$#', '', $invitee_uri ) ), Api::uuid_of( $invitee_uri ) )->toArray();
				$noshow_uri = is_array( $view['no_show'] ?? null ) ? ( $view['no_show']['uri'] ?? null ) : null;
				if ( null === $noshow_uri ) {
					return null; // Nothing to delete in Calendly.
				}
			}
			$this->api->delete_no_show( Api::uuid_of( $noshow_uri ) );
			return 'deleted';
		} catch ( ApiError $e ) {
			if ( 'not_found' === $e->kind ) {
				return 'deleted';
			}
			$this->note( $session_id, $coach_id, 'Calendly no-show not deleted: ' . $e->getMessage() );
			return $e->getMessage();
		}
	}

	private function note( int $session_id, int $coach_id, string $text ): void {
		try {
			$this->audit->add( $session_id, 'coach', $coach_id, 'note', null, $text, 'two-way no-show', null, Clock::now_us() );
		} catch ( DatabaseError $e ) {
			unset( $e );
		}
	}
}
