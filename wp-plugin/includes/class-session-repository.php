<?php
/**
 * SQL of {prefix}tfsp_coach_sessions: one row per Calendly invitee, holding the facts of Calsync\State plus derived columns.
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
		'erased_at'             => array( 'erased_at', 'datetime' ),
	);

	/** Longest invitee URI the UNIQUE column holds. */
	public const URI_MAX = 191;

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	/**
	 * Makes sure a row exists for the invitee and locks it (INSERT ... ON
	 * DUPLICATE KEY UPDATE takes an exclusive lock either way, so concurrent
	 * first events neither collide nor deadlock on a shared lock).
	 *
	 * @return bool True when the row was created now.
	 */
	public function ensure_locked( string $uri, string $now ): bool {
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"INSERT INTO {$this->table()} (calendly_uri, auto_created, status, created_at, updated_at) VALUES (%s, 1, 'scheduled', %s, %s)
					ON DUPLICATE KEY UPDATE id = id",
					$uri,
					$now,
					$now
				)
			)
		);
		return 1 === (int) $this->db->rows_affected;
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

	/** Updates columns of one row; null values become NULL. */
	public function update( int $id, array $columns ): void {
		if ( ! $columns ) {
			return;
		}
		$formats = array();
		foreach ( $columns as $value ) {
			$formats[] = is_int( $value ) ? '%d' : '%s';
		}
		$this->checked( $this->db->update( $this->table(), $columns, array( 'id' => $id ), $formats, array( '%d' ) ) );
	}

	/**
	 * Clears webhook_data of rows not updated since $before (retention).
	 *
	 * @return int Rows cleared.
	 */
	public function clear_webhook_data( string $before, int $limit ): int {
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET webhook_data = NULL WHERE webhook_data IS NOT NULL AND updated_at < %s LIMIT %d", $before, $limit ) ) );
		return (int) $this->db->rows_affected;
	}

	/** Deletes the rows the sync created (uninstall with delete_data_on_uninstall); the portal's own rows stay. */
	public function delete_auto_created(): void {
		$this->db->query( "DELETE FROM {$this->table()} WHERE auto_created = 1" ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** Sets or clears type_ignored of the row of an invitee; false when there is none. */
	public function set_type_ignored( string $uri, bool $ignored ): bool {
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET type_ignored = %d WHERE calendly_uri = %s", $ignored ? 1 : 0, $uri ) ) );
		return (int) $this->db->rows_affected > 0 || null !== $this->checked( $this->db->get_var( $this->db->prepare( "SELECT id FROM {$this->table()} WHERE calendly_uri = %s", $uri ) ) );
	}

	/**
	 * After the admin changed the chosen event types: rows of types no longer chosen leave
	 * the lists and counts, rows of chosen types come back.  An empty choice means every type.
	 *
	 * @param string[] $types The chosen event type URIs.
	 * @return int Rows changed.
	 */
	public function reevaluate_types( array $types ): int {
		if ( ! $types ) {
			$this->checked( $this->db->query( "UPDATE {$this->table()} SET type_ignored = 0 WHERE type_ignored = 1" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			return (int) $this->db->rows_affected;
		}
		$in = implode( ',', array_fill( 0, count( $types ), '%s' ) );
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET type_ignored = IF(event_type_uri IN ($in), 0, 1) WHERE event_type_uri IS NOT NULL AND type_ignored <> IF(event_type_uri IN ($in), 0, 1)", array_merge( $types, $types ) ) ) );
		// phpcs:enable
		return (int) $this->db->rows_affected;
	}
}
