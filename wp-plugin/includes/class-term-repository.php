<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of the terms and cohorts: {prefix}tfsp_terms, {prefix}tfsp_cohorts and
 * {prefix}tfsp_cohort_members, and requirement_sql(), the one SQL form of "the attended
 * sessions this student must reach in this term" (the highest requirement of the cohorts the
 * student is in, else the term's).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class TermRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_terms';
	}

	public function cohorts_table(): string {
		return $this->db->prefix . 'tfsp_cohorts';
	}

	public function members_table(): string {
		return $this->db->prefix . 'tfsp_cohort_members';
	}

	/** @return array<int,array<string,string>> Every term, earliest first. */
	public function terms(): array {
		return (array) $this->checked( $this->db->get_results( "SELECT id, name, first_day, last_day, required FROM {$this->table()} ORDER BY first_day, id", ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	public function term( int $id ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, name, first_day, last_day, required FROM {$this->table()} WHERE id = %d", $id ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	/** The term that holds a day (Y-m-d), if any. */
	public function term_on( string $day ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, name, first_day, last_day, required FROM {$this->table()} WHERE first_day <= %s AND last_day >= %s ORDER BY first_day LIMIT 1", $day, $day ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	/** The latest term that ended before a day. */
	public function term_before( string $day ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, name, first_day, last_day, required FROM {$this->table()} WHERE last_day < %s ORDER BY last_day DESC LIMIT 1", $day ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	/** The earliest term that begins after a day. */
	public function term_after( string $day ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, name, first_day, last_day, required FROM {$this->table()} WHERE first_day > %s ORDER BY first_day LIMIT 1", $day ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	/** A term other than $except that shares a day with [first, last], if any. */
	public function overlapping( string $first, string $last, int $except ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, name, first_day, last_day FROM {$this->table()} WHERE first_day <= %s AND last_day >= %s AND id <> %d ORDER BY first_day LIMIT 1", $last, $first, $except ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	public function insert_term( string $name, string $first, string $last, int $required ): int {
		$now = Clock::mysql_now();
		$this->checked( $this->db->query( $this->db->prepare( "INSERT INTO {$this->table()} (name, first_day, last_day, required, created_at, updated_at) VALUES (%s, %s, %s, %d, %s, %s)", $name, $first, $last, $required, $now, $now ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return (int) $this->db->insert_id;
	}

	public function update_term( int $id, string $name, string $first, string $last, int $required ): void {
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET name = %s, first_day = %s, last_day = %s, required = %d, updated_at = %s WHERE id = %d", $name, $first, $last, $required, Clock::mysql_now(), $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** Deletes a term; its cohorts of that term only go with it (their members too). */
	public function delete_term( int $id ): void {
		$ids = array_map( 'intval', (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT id FROM {$this->cohorts_table()} WHERE term_id = %d", $id ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		foreach ( $ids as $cohort ) {
			$this->delete_cohort( $cohort );
		}
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->table()} WHERE id = %d", $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** @return array<int,array<string,string>> Every cohort with its term's name and its number of hand-picked members. */
	public function cohorts(): array {
		return (array) $this->checked( $this->db->get_results( "SELECT c.id, c.name, c.kind, c.role, c.term_id, c.required, t.name AS term_name, (SELECT COUNT(*) FROM {$this->members_table()} m WHERE m.cohort_id = c.id) AS members FROM {$this->cohorts_table()} c LEFT JOIN {$this->table()} t ON t.id = c.term_id ORDER BY c.name, c.id", ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	public function cohort( int $id ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, name, kind, role, term_id, required FROM {$this->cohorts_table()} WHERE id = %d", $id ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	public function insert_cohort( string $name, string $kind, ?string $role, ?int $term, ?int $required ): int {
		$now = Clock::mysql_now();
		$this->checked( $this->db->query( $this->prepare_nullable( "INSERT INTO {$this->cohorts_table()} (name, kind, role, term_id, required, created_at, updated_at) VALUES (%s, %s, %s, %d, %d, %s, %s)", array( $name, $kind, $role, $term, $required, $now, $now ) ) ) );
		return (int) $this->db->insert_id;
	}

	public function update_cohort( int $id, string $name, string $kind, ?string $role, ?int $term, ?int $required ): void {
		$this->checked( $this->db->query( $this->prepare_nullable( "UPDATE {$this->cohorts_table()} SET name = %s, kind = %s, role = %s, term_id = %d, required = %d, updated_at = %s WHERE id = %d", array( $name, $kind, $role, $term, $required, Clock::mysql_now(), $id ) ) ) );
		if ( 'role' === $kind ) {
			// A role cohort stores its role, not members.
			$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->members_table()} WHERE cohort_id = %d", $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
	}

	public function delete_cohort( int $id ): void {
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->members_table()} WHERE cohort_id = %d", $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->cohorts_table()} WHERE id = %d", $id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** @return int[] The hand-picked members of a cohort. */
	public function members( int $cohort ): array {
		return array_map( 'intval', (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT user_id FROM {$this->members_table()} WHERE cohort_id = %d ORDER BY user_id", $cohort ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * The hand-picked members become exactly $users: new ones join now, the others keep the
	 * time they joined, those left out are removed.
	 *
	 * @param int[] $users User ids.
	 */
	public function set_members( int $cohort, array $users ): void {
		$users = array_values( array_unique( array_filter( array_map( 'intval', $users ) ) ) );
		if ( $users ) {
			$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->members_table()} WHERE cohort_id = %d AND user_id NOT IN (" . implode( ',', $users ) . ')', $cohort ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			$now    = Clock::mysql_now();
			$values = array();
			foreach ( $users as $user ) {
				$values[] = $this->db->prepare( '(%d, %d, %s)', $cohort, $user, $now );
			}
			$this->checked( $this->db->query( "INSERT IGNORE INTO {$this->members_table()} (cohort_id, user_id, joined_at) VALUES " . implode( ', ', $values ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- each row prepared above.
		} else {
			$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->members_table()} WHERE cohort_id = %d", $cohort ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
	}

	/**
	 * The hand-picked cohorts a user is in, with when they joined (the privacy exporter).
	 *
	 * @return array<int,array{name:string,joined_at:string}>
	 */
	public function cohorts_of( int $user ): array {
		return (array) $this->checked( $this->db->get_results( $this->db->prepare( "SELECT c.name, m.joined_at FROM {$this->members_table()} m JOIN {$this->cohorts_table()} c ON c.id = m.cohort_id WHERE m.user_id = %d ORDER BY c.name, c.id", $user ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** A deleted (or erased) user leaves every hand-picked cohort; how many they left. */
	public function forget_user( int $user ): int {
		return (int) $this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->members_table()} WHERE user_id = %d", $user ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * The one SQL form of a student's requirement in a term: the highest required count of the
	 * cohorts of that term (or of every term) the student is in (a cohort without its own
	 * count asks the term's), else the term's.  A role cohort holds every user with that role.
	 *
	 * @param array  $term    A term row (id, required).
	 * @param string $user_id The SQL expression of the student's user id (a column of ours).
	 */
	public function requirement_sql( array $term, string $user_id ): string {
		$c    = $this->cohorts_table();
		$m    = $this->members_table();
		$caps = $this->db->get_blog_prefix() . 'capabilities';
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- tables and the user expression are ours.
		return (string) $this->db->prepare(
			"COALESCE((SELECT MAX(COALESCE(rc.required, %d)) FROM {$c} rc WHERE (rc.term_id IS NULL OR rc.term_id = %d) AND ((rc.kind = 'hand' AND EXISTS (SELECT 1 FROM {$m} rm WHERE rm.cohort_id = rc.id AND rm.user_id = {$user_id})) OR (rc.kind = 'role' AND EXISTS (SELECT 1 FROM {$this->db->usermeta} ru WHERE ru.user_id = {$user_id} AND ru.meta_key = %s AND ru.meta_value LIKE CONCAT('%%\"', REPLACE(rc.role, '_', '\\\\_'), '\";%%'))))), %d)",
			(int) $term['required'],
			(int) $term['id'],
			$caps,
			(int) $term['required']
		);
	}

	/**
	 * Each student's requirement in a term.
	 *
	 * @param int[] $users User ids.
	 * @return array<int,int>
	 */
	public function requirements( array $term, array $users ): array {
		$ids = array_values( array_filter( array_map( 'intval', $users ) ) );
		if ( ! $ids ) {
			return array();
		}
		$rows = (array) $this->checked( $this->db->get_results( 'SELECT u.ID, ' . $this->requirement_sql( $term, 'u.ID' ) . " AS req FROM {$this->db->users} u WHERE u.ID IN (" . implode( ',', $ids ) . ')', ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$out  = array();
		foreach ( $rows as $row ) {
			$out[ (int) $row['ID'] ] = (int) $row['req'];
		}
		return $out;
	}
}
