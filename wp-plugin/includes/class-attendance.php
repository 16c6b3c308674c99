<?php
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
	private AuditRepository $audit;
	private Settings $settings;
	private Api $api;

	public function __construct( Database $db, SessionRepository $sessions, AuditRepository $audit, Settings $settings, Api $api ) {
		$this->db       = $db;
		$this->sessions = $sessions;
		$this->audit    = $audit;
		$this->settings = $settings;
		$this->api      = $api;
	}

	/**
	 * Applies a coach's mark.
	 *
	 * @param string $mark "attended", "no_show", "rescheduled" or "none" (cleared).
	 * @return array{status:string,changed:bool,calendly:?string}|\WP_Error
	 *         calendly: null (nothing sent), "created", "deleted", or the error's message.
	 */
	public function mark( int $session_id, string $mark, int $coach_id ) {
		if ( ! in_array( $mark, self::MARKS, true ) ) {
			return new \WP_Error( 'tfsp_calendly_invalid_mark', __( 'That is not an attendance mark.', 'tfsp-calendly-sync' ), array( 'status' => 400 ) );
		}
		$now_us = Clock::now_us();
		try {
			$this->db->begin();
			$row = $this->sessions->lock_by_id( $session_id );
			if ( null === $row ) {
				$this->db->rollback();
				return new \WP_Error( 'tfsp_calendly_no_session', __( 'There is no such session.', 'tfsp-calendly-sync' ), array( 'status' => 404 ) );
			}
			$facts  = $this->sessions->row_to_facts( $row, \Calsync\State::emptyFacts() );
			$before = \Calsync\State::derive( $facts );
			$result = \Calsync\State::applyMark( $facts, $mark, $now_us, $coach_id );
			$this->write( $row, $result, $coach_id, $now_us );
			$this->db->commit();
		} catch ( DatabaseError $e ) {
			$this->db->rollback();
			return new \WP_Error( 'tfsp_calendly_db_error', __( 'The mark could not be saved because of a database error.', 'tfsp-calendly-sync' ), array( 'status' => 503 ) );
		} catch ( \Calsync\Exception | \ValueError $e ) {
			$this->db->rollback();
			return new \WP_Error( 'tfsp_calendly_mark_refused', $e->getMessage(), array( 'status' => 409 ) );
		}

		$calendly = null;
		$after    = \Calsync\State::derive( $result['facts'] );
		if ( $this->settings->get( 'two_way_no_show' ) && is_string( $row['calendly_uri'] ) && '' !== $row['calendly_uri'] ) {
			if ( 'no_show' === $after['mark'] && 'no_show' !== $before['mark'] && empty( $result['facts']['noshow_uri'] ) ) {
				$calendly = $this->send_no_show( $session_id, (string) $row['calendly_uri'], $coach_id );
			} elseif ( 'no_show' === $before['mark'] && 'no_show' !== $after['mark'] ) {
				$calendly = $this->delete_no_show( $session_id, (string) $row['calendly_uri'], $result['facts']['noshow_uri'] ?? null, $coach_id );
			}
		}
		return array(
			'status'   => (string) $result['status'],
			'changed'  => (bool) $result['changes'],
			'calendly' => $calendly,
		);
	}

	/** Writes the core's answer and the audit rows (actor "coach"). */
	private function write( array $row, array $result, int $coach_id, int $now_us ): void {
		$id      = (int) $row['id'];
		$columns = $this->sessions->facts_to_columns( $result['facts'] );

		$columns['status']     = (string) $result['status'];
		$columns['conflict']   = $result['conflict'] ? 1 : 0;
		$columns['updated_at'] = Clock::mysql_now();
		foreach ( (array) $result['changes'] as $key => $pair ) {
			$column = SessionRepository::FACTS[ $key ][0] ?? (string) $key;
			$this->audit->add( $id, 'coach', $coach_id, $column, self::text( $pair[0] ?? null ), self::text( $pair[1] ?? null ), 'attendance mark', null, $now_us );
		}
		if ( (string) $row['status'] !== $columns['status'] ) {
			$this->audit->add( $id, 'coach', $coach_id, 'status', (string) $row['status'], $columns['status'], 'attendance mark', null, $now_us );
		}
		if ( (int) $row['conflict'] !== $columns['conflict'] ) {
			$this->audit->add( $id, 'coach', $coach_id, 'conflict', (string) (int) $row['conflict'], (string) $columns['conflict'], 'attendance mark', null, $now_us );
		}
		foreach ( (array) $result['notes'] as $note ) {
			$this->audit->add( $id, 'coach', $coach_id, 'note', null, (string) $note, 'attendance mark', null, $now_us );
		}
		$this->sessions->update( $id, $columns );
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

	/** @param mixed $value */
	private static function text( $value ): ?string {
		if ( null === $value ) {
			return null;
		}
		if ( is_bool( $value ) ) {
			return $value ? '1' : '0';
		}
		return is_scalar( $value ) ? (string) $value : (string) wp_json_encode( $value );
	}
}
