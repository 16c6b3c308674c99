<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of {prefix}tfsp_coach_sessions for matching users to sessions after the fact: the rows an
 * account's e-mail may claim (locked), and the rows of a deleted user.  The caller holds the
 * transaction (Database::begin/commit) and decides, through the core, what to write.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SessionMatchRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	/**
	 * Locks the sessions that automatic matching may still give a student for
	 * this address: no student yet, not unlinked by an admin, not erased.
	 * invitee_email is indexed and its collation compares case-insensitively,
	 * so only those rows are locked.
	 *
	 * @return array<int,array{id:string,invitee_email:string,invitee_name:?string}>
	 * @throws DatabaseError On a database error.
	 */
	public function lock_unmatched_by_email( string $normalized ): array {
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					"SELECT id, invitee_email, invitee_name FROM {$this->table()}
					WHERE invitee_email = %s AND student_id IS NULL AND student_unlinked = 0 AND erased_at IS NULL
					ORDER BY id FOR UPDATE",
					$normalized
				),
				ARRAY_A
			)
		);
	}

	/**
	 * Locks the sessions without a coach whose first host has this address.
	 * host_email has no index: the candidates are found by a plain
	 * (non-locking) read, then only those rows are locked by primary key and
	 * the condition checked again on their current version, so that the scan
	 * never locks the whole table.
	 *
	 * @return array<int,array{id:string,host_email:string}>
	 * @throws DatabaseError On a database error.
	 */
	public function lock_coachless_by_host( string $normalized ): array {
		$ids = (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT id FROM {$this->table()} WHERE coach_id IS NULL AND host_email = %s ORDER BY id", $normalized ) ) );
		if ( ! $ids ) {
			return array();
		}
		$ids          = array_map( 'intval', $ids );
		$placeholders = implode( ',', array_fill( 0, count( $ids ), '%d' ) );
		$args         = array_merge( $ids, array( $normalized ) );
		return (array) $this->checked(
			$this->db->get_results(
				// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- placeholders built above.
				$this->db->prepare( "SELECT id, host_email FROM {$this->table()} WHERE id IN ({$placeholders}) AND coach_id IS NULL AND host_email = %s ORDER BY id FOR UPDATE", ...$args ),
				ARRAY_A
			)
		);
	}

	/**
	 * Locks the sessions one of whose hosts (host_emails, one per line) may have this address
	 * and that do not have this user among their coaches yet.  As lock_coachless_by_host(): a
	 * plain read finds the candidates (a LIKE over the column, which compares case-insensitively;
	 * the caller checks each line exactly), then only those rows are locked.
	 *
	 * @return array<int,array{id:string,host_emails:string,coach_id:?string}>
	 * @throws DatabaseError On a database error.
	 */
	public function lock_cohosted_by_host( string $normalized, int $user_id ): array {
		$like = '%' . $this->db->esc_like( $normalized ) . '%';
		$ids  = (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT id FROM {$this->table()} WHERE host_emails LIKE %s AND id NOT IN (SELECT session_id FROM {$this->db->prefix}tfsp_session_coaches WHERE coach_id = %d) ORDER BY id", $like, $user_id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		if ( ! $ids ) {
			return array();
		}
		$in = implode( ',', array_map( 'intval', $ids ) );
		return (array) $this->checked( $this->db->get_results( $this->db->prepare( "SELECT id, host_emails, coach_id FROM {$this->table()} WHERE id IN ({$in}) AND host_emails LIKE %s ORDER BY id FOR UPDATE", $like ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * Locks the sessions that name this user in a column (student_id and
	 * coach_id are indexed, so only those rows are locked).
	 *
	 * @param string $column "student_id" or "coach_id".
	 * @return int[] Session ids.
	 * @throws DatabaseError On a database error.
	 */
	public function lock_by_user( string $column, int $user_id ): array {
		self::check_column( $column );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $column is one of two names.
		$ids = (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT id FROM {$this->table()} WHERE {$column} = %d ORDER BY id FOR UPDATE", $user_id ) ) );
		return array_map( 'intval', $ids );
	}

	private static function check_column( string $column ): void {
		if ( ! in_array( $column, array( 'student_id', 'coach_id' ), true ) ) {
			throw new \InvalidArgumentException( 'Unknown user column ' . $column );
		}
	}
}
