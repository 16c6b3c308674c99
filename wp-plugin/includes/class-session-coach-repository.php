<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of the reads of {prefix}tfsp_session_coaches (SessionWriter writes it): whether a user is
 * one of a session's coaches, and the host e-mails of sessions that no coach can see.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SessionCoachRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_session_coaches';
	}

	/** The user is one of the session's coaches (a read of the primary key). */
	public function hosts( int $session_id, int $user_id ): bool {
		return null !== $this->checked( $this->db->get_var( $this->db->prepare( "SELECT 1 FROM {$this->table()} WHERE session_id = %d AND coach_id = %d", $session_id, $user_id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** @return int[] The session's coaches, by id. */
	public function coaches_of( int $session_id ): array {
		return array_map( 'intval', (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT coach_id FROM {$this->table()} WHERE session_id = %d ORDER BY coach_id", $session_id ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * The coaches of several sessions (a page of a list), by id, in one read of the primary key.
	 *
	 * @param int[] $session_ids Sessions.
	 * @return array<int,int[]> Session id => its coaches by id (every session asked for has a key).
	 */
	public function coaches_of_many( array $session_ids ): array {
		$ids = array_values( array_unique( array_filter( array_map( 'intval', $session_ids ) ) ) );
		$out = array_fill_keys( $ids, array() );
		if ( ! $ids ) {
			return $out;
		}
		$in   = implode( ',', $ids );
		$rows = $this->checked( $this->db->get_results( "SELECT session_id, coach_id FROM {$this->table()} WHERE session_id IN ({$in}) ORDER BY session_id, coach_id", ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- integers.
		foreach ( (array) $rows as $row ) {
			$out[ (int) $row['session_id'] ][] = (int) $row['coach_id'];
		}
		return $out;
	}

	/**
	 * The stored host e-mails of sessions with no matched coach, at most $limit distinct
	 * values: each a host_emails fact (one address per line) or, for rows stored before every
	 * host was kept, the first host's.  Read from the index coachless_hosts (coach_id,
	 * type_ignored, host_key) alone, host_key being the first 191 characters of that value
	 * (schema step 17); a value that long is read again from its rows, to have it whole, and so
	 * are the rows without a host_key (written while the migration filled it, or by other code):
	 * no row read per coachless session, which cost 2.3 s with 20,000 of them in a million rows.
	 *
	 * @return string[]
	 */
	public function coachless_host_emails( int $limit = 100 ): array {
		$sessions  = $this->db->prefix . 'tfsp_coach_sessions';
		$whole     = SessionWriter::HOSTS_SQL;
		$coachless = 'coach_id IS NULL AND type_ignored = 0';
		$where     = "{$coachless} AND {$whole} IS NOT NULL";
		$out       = array();
		$keys      = (array) $this->checked( $this->db->get_results( $this->db->prepare( "SELECT host_key, CHAR_LENGTH(host_key) >= %d AS cut FROM {$sessions} WHERE {$coachless} AND host_key IS NOT NULL GROUP BY host_key LIMIT %d", SessionWriter::HOST_KEY_LENGTH, $limit ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		foreach ( $keys as $key ) {
			if ( ! (int) $key['cut'] ) {
				$out[] = (string) $key['host_key'];
				continue;
			}
			foreach ( (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT DISTINCT {$whole} FROM {$sessions} WHERE {$where} AND host_key = %s LIMIT %d", (string) $key['host_key'], $limit ) ) ) as $value ) { // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
				$out[] = (string) $value;
			}
		}
		foreach ( (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT DISTINCT {$whole} FROM {$sessions} WHERE {$where} AND host_key IS NULL LIMIT %d", $limit ) ) ) as $value ) { // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			$out[] = (string) $value;
		}
		return array_slice( array_values( array_unique( $out ) ), 0, $limit );
	}
}
