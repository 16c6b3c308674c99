<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The OAuth states in flight ({prefix}tfsp_oauth_states): one row per "Connect with Calendly"
 * started, keyed by the SHA-256 of its state, taken at most once.
 *
 * A row holds the hash of the admin's session token (a state started in
 * another browser session is foreign), the admin's user id, the sealed PKCE
 * verifier and its expiry.  take() deletes the row it returns in the same
 * statement's decision: of two callbacks with one state, on any web or
 * database node, one DELETE changes the row and the other changes nothing.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class OauthStateRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_oauth_states';
	}

	/** @throws DatabaseError On a database error. */
	public function add( string $state_hash, string $session_hash, int $user_id, string $sealed_verifier, int $now, int $expires_at ): void {
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"INSERT INTO {$this->table()} (state_hash, session_hash, user_id, verifier, created_at, expires_at) VALUES (%s, %s, %d, %s, %d, %d)", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table name.
					$state_hash,
					$session_hash,
					$user_id,
					$sealed_verifier,
					$now,
					$expires_at
				)
			)
		);
	}

	/**
	 * The row of a state, or null.
	 *
	 * @return array{session_hash:string,user_id:int,verifier:string,expires_at:int}|null
	 * @throws DatabaseError On a database error.
	 */
	public function find( string $state_hash ): ?array {
		$row = $this->checked(
			$this->db->get_row(
				$this->db->prepare( "SELECT session_hash, user_id, verifier, expires_at FROM {$this->table()} WHERE state_hash = %s", $state_hash ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table name.
				ARRAY_A
			)
		);
		if ( ! is_array( $row ) ) {
			return null;
		}
		return array(
			'session_hash' => (string) $row['session_hash'],
			'user_id'      => (int) $row['user_id'],
			'verifier'     => (string) $row['verifier'],
			'expires_at'   => (int) $row['expires_at'],
		);
	}

	/**
	 * Takes the state: deletes its row if it is still there, belongs to this
	 * session and user, and has not expired.  True for exactly one caller.
	 *
	 * @throws DatabaseError On a database error.
	 */
	public function take( string $state_hash, string $session_hash, int $user_id, int $now ): bool {
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"DELETE FROM {$this->table()} WHERE state_hash = %s AND session_hash = %s AND user_id = %d AND expires_at > %d", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table name.
					$state_hash,
					$session_hash,
					$user_id,
					$now
				)
			)
		);
		return 1 === (int) $this->db->rows_affected;
	}

	/** Forgets one state (an expired one that came back). @throws DatabaseError On a database error. */
	public function delete( string $state_hash ): void {
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->table()} WHERE state_hash = %s", $state_hash ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table name.
	}

	/** Forgets the states that expired before $now. @throws DatabaseError On a database error. */
	public function delete_expired( int $now ): void {
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->table()} WHERE expires_at <= %d", $now ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- our table name.
	}
}
