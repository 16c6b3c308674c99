<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Reads of {prefix}tfsp_coach_sessions for the write path (rows locked for a change) and the
 * mapping between a row and the facts of Calsync\State.  SessionWriter writes the rows.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SessionRepository extends Repository {

	/**
	 * Each fact key of Calsync\State and the column that holds it, with its
	 * type: str (?string, MEDIUMTEXT), time (?int microseconds, BIGINT),
	 * datetime (?int microseconds, DATETIME(6) UTC), flag (bool, TINYINT),
	 * int (int, BIGINT), mark / noshow (enum names, VARCHAR).
	 */
	public const FACTS = array(
		'invitee_uri'           => array( 'calendly_uri', 'str' ),
		'booked'                => array( 'booked', 'flag' ),
		'event_uri'             => array( 'event_uri', 'str' ),
		'canceled'              => array( 'canceled', 'flag' ),
		'cancel_at'             => array( 'cancel_at', 'time' ),
		'cancel_reason'         => array( 'cancel_reason', 'str' ),
		'canceled_by'           => array( 'canceled_by', 'str' ),
		'canceler_type'         => array( 'canceler_type', 'str' ),
		'reschedule_canceled'   => array( 'reschedule_canceled', 'flag' ),
		'rescheduled_to_uri'    => array( 'rescheduled_to_uri', 'str' ),
		'rescheduled_from_uri'  => array( 'rescheduled_from_uri', 'str' ),
		'coach_mark'            => array( 'coach_mark', 'mark' ),
		'coach_mark_at'         => array( 'coach_mark_at', 'time' ),
		'coach_mark_by'         => array( 'coach_mark_by', 'int' ),
		'noshow'                => array( 'noshow', 'noshow' ),
		'noshow_at'             => array( 'noshow_at', 'time' ),
		'noshow_uri'            => array( 'noshow_uri', 'str' ),
		'noshow_absent_seen_at' => array( 'noshow_absent_seen_at', 'time' ),
		'info_updated_at'       => array( 'info_updated_at', 'time' ),
		'info_envelope_at'      => array( 'info_envelope_at', 'time' ),
		'email'                 => array( 'invitee_email', 'str' ),
		'name'                  => array( 'invitee_name', 'str' ),
		'timezone'              => array( 'timezone', 'str' ),
		'cancel_url'            => array( 'cancel_url', 'str' ),
		'reschedule_url'        => array( 'reschedule_url', 'str' ),
		'invitee_created_at'    => array( 'invitee_created_at', 'time' ),
		'sched_updated_at'      => array( 'sched_updated_at', 'time' ),
		'start_at'              => array( 'start_at', 'datetime' ),
		'end_at'                => array( 'end_at', 'datetime' ),
		'event_name'            => array( 'event_name', 'str' ),
		'event_type_uri'        => array( 'event_type_uri', 'str' ),
		'event_status'          => array( 'event_status', 'str' ),
		'location_type'         => array( 'location_type', 'str' ),
		'join_url'              => array( 'join_url', 'str' ),
		'host_email'            => array( 'host_email', 'str' ),
		'host_name'             => array( 'host_name', 'str' ),
		'host_emails'           => array( 'host_emails', 'str' ),
		'erased_at'             => array( 'erased_at', 'datetime' ),
		'entered_at'            => array( 'entered_at', 'datetime' ),
		'entered_by'            => array( 'entered_by', 'int' ),
	);

	/** Longest invitee URI the UNIQUE column holds. */
	public const URI_MAX = 191;

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	/**
	 * The rows of these invitees, locked, keyed by lower-case URI.
	 *
	 * @param string[] $uris Invitee URIs.
	 * @return array<string,array<string,mixed>>
	 */
	public function lock_by_uris( array $uris ): array {
		if ( ! $uris ) {
			return array();
		}
		$placeholders = implode( ',', array_fill( 0, count( $uris ), '%s' ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare
		$rows = $this->checked( $this->db->get_results( $this->db->prepare( "SELECT * FROM {$this->table()} WHERE calendly_uri IN ({$placeholders}) ORDER BY calendly_uri FOR UPDATE", ...array_values( $uris ) ), ARRAY_A ) );
		$out  = array();
		foreach ( (array) $rows as $row ) {
			$out[ strtolower( (string) $row['calendly_uri'] ) ] = $row;
		}
		return $out;
	}

	/** One row by id, locked; null when there is none. */
	public function lock_by_id( int $id ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT * FROM {$this->table()} WHERE id = %d FOR UPDATE", $id ), ARRAY_A ) );
		return $row ? $row : null;
	}

	/**
	 * A row as the facts array of Calsync\State.
	 *
	 * @param array $row   The row.
	 * @param array $empty State::emptyFacts().
	 */
	public function row_to_facts( array $row, array $empty ): array {
		$facts = $empty;
		foreach ( self::FACTS as $key => [ $column, $type ] ) {
			if ( ! array_key_exists( $key, $empty ) ) {
				continue;
			}
			$value = $row[ $column ] ?? null;
			if ( null === $value ) {
				continue;
			}
			switch ( $type ) {
				case 'flag':
					$facts[ $key ] = (bool) (int) $value;
					break;
				case 'time':
				case 'int':
					$facts[ $key ] = (int) $value;
					break;
				case 'datetime':
					$facts[ $key ] = 0 === strpos( (string) $value, '0000-00-00' ) ? null : Clock::from_datetime( (string) $value );
					break;
				default:
					$facts[ $key ] = (string) $value;
			}
		}
		return $facts;
	}

	/**
	 * The columns that hold a facts array.
	 *
	 * @return array<string,mixed>
	 */
	public function facts_to_columns( array $facts ): array {
		$columns = array();
		foreach ( self::FACTS as $key => [ $column, $type ] ) {
			if ( ! array_key_exists( $key, $facts ) ) {
				continue;
			}
			$value = $facts[ $key ];
			if ( null === $value ) {
				$columns[ $column ] = 'flag' === $type ? 0 : null;
				continue;
			}
			switch ( $type ) {
				case 'flag':
					$columns[ $column ] = $value ? 1 : 0;
					break;
				case 'time':
				case 'int':
					$columns[ $column ] = (int) $value;
					break;
				case 'datetime':
					$columns[ $column ] = Clock::to_datetime( (int) $value );
					break;
				default:
					$columns[ $column ] = (string) $value;
			}
		}
		return $columns;
	}
}
