<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of the personal-data exporter and eraser: a person's session rows (by student_id or by the
 * invitee's e-mail), and their anonymisation in the sessions table, the ledger and the audit trail.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class PrivacyRepository extends Repository {

	/** Audit fields that hold the invitee's own words or identity. */
	public const PERSONAL_AUDIT_FIELDS = array( 'invitee_email', 'invitee_name', 'cancel_reason', 'canceled_by', 'timezone', 'cancel_url', 'reschedule_url' );

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	/**
	 * A person's session rows, oldest first: those of the user, and those booked with the address.
	 *
	 * @param int|null    $user_id   The WordPress user, if the address belongs to one.
	 * @param string|null $erased_as Leave out rows already anonymised with this e-mail placeholder.
	 * @return array<int,array<string,mixed>>
	 */
	public function sessions_of( ?int $user_id, string $email, ?string $erased_as, int $offset, int $limit ): array {
		$t   = $this->table();
		$who = null === $user_id
			? $this->db->prepare( 'invitee_email = %s', $email )
			: $this->db->prepare( '(student_id = %d OR invitee_email = %s)', $user_id, $email );
		if ( null !== $erased_as ) {
			$who .= ' AND erased_at IS NULL'; // Erasing: the rows not erased yet.
		}
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					"SELECT id, student_id, coach_id, status, start_at, end_at, event_name, invitee_email, invitee_name, timezone, join_url, cancel_url, reschedule_url, cancel_reason, calendly_uri, created_at FROM {$t} WHERE {$who} ORDER BY id LIMIT %d OFFSET %d", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$limit,
					$offset
				),
				ARRAY_A
			)
		);
	}

	/**
	 * Empties every stored body about these invitees: by URI, by session, and bodies that
	 * never parsed (no URI) but hold the address.
	 *
	 * @param string[] $uris Invitee URIs.
	 * @param int[]    $ids  Their session ids.
	 */
	public function clear_ledger_bodies_of( array $uris, array $ids, string $email ): void {
		$this->clear_ledger_bodies( $uris );
		$ledger = $this->db->prefix . 'tfsp_calendly_events';
		$ids    = array_values( array_filter( array_map( 'intval', $ids ) ) );
		if ( $ids ) {
			$this->checked( $this->db->query( "UPDATE {$ledger} SET raw_body = NULL WHERE session_id IN (" . implode( ',', $ids ) . ') AND raw_body IS NOT NULL' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		if ( '' !== $email ) {
			$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$ledger} SET raw_body = NULL WHERE invitee_uri IS NULL AND raw_body LIKE %s", '%' . $this->db->esc_like( $email ) . '%' ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
	}

	public function clear_ledger_bodies( array $uris ): void {
		$uris = array_values( array_unique( array_filter( $uris, static fn( $u ) => is_string( $u ) && '' !== $u ) ) );
		if ( ! $uris ) {
			return;
		}
		$placeholders = implode( ',', array_fill( 0, count( $uris ), '%s' ) );
		$ledger       = $this->db->prefix . 'tfsp_calendly_events';
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$ledger} SET raw_body = NULL WHERE invitee_uri IN ({$placeholders}) AND raw_body IS NOT NULL", ...$uris ) ) );
	}

	/**
	 * Replaces the personal values in the audit rows of these sessions; the rows (who, when, which field) stay.
	 *
	 * @param int[] $ids Session ids.
	 */
	public function anonymise_audit( array $ids, string $placeholder ): void {
		$ids = array_values( array_filter( array_map( 'intval', $ids ) ) );
		if ( ! $ids ) {
			return;
		}
		$in     = implode( ',', $ids );
		$fields = "'" . implode( "','", self::PERSONAL_AUDIT_FIELDS ) . "'";
		$audit  = $this->db->prefix . 'tfsp_session_audit';
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"UPDATE {$audit} SET old_value = IF(old_value IS NULL, NULL, %s), new_value = IF(new_value IS NULL, NULL, %s) WHERE session_id IN ({$in}) AND field IN ({$fields})", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$placeholder,
					$placeholder
				)
			)
		);
	}
}
