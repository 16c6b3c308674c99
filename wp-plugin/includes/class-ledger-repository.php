<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of {prefix}tfsp_calendly_events, the ledger: one row per distinct delivery, found by its dedupe key.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class LedgerRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_calendly_events';
	}

	/**
	 * Inserts the delivery, or bumps deliveries of the row with the same
	 * dedupe key, and locks it.  A copy of a processed delivery never brings
	 * its raw bytes back (they were redacted, or emptied by an erasure or by
	 * retention).  The raw body goes in as hex so that the
	 * statement stays ASCII and the bytes are stored exactly.
	 *
	 * @return array{id:int,outcome:string,attempts:int,inserted:bool}
	 */
	public function upsert_locked( string $dedupe_key, ?string $event_name, ?string $invitee_uri, string $outcome, string $raw_body, ?int $signature_t, ?string $error, ?string $next_attempt_at, int $attempts ): array {
		$now = Clock::to_datetime( Clock::now_us() );
		$sql = $this->prepare_nullable(
			"INSERT INTO {$this->table()} (dedupe_key, event_name, invitee_uri, first_received, last_received, deliveries, outcome, attempts, next_attempt_at, last_error, raw_body, signature_t)
			VALUES (%s, %s, %s, %s, %s, 1, %s, %d, %s, %s, UNHEX(%s), %d)
			ON DUPLICATE KEY UPDATE id = LAST_INSERT_ID(id), deliveries = deliveries + 1, last_received = VALUES(last_received),
				raw_body = IF(raw_body IS NULL AND outcome <> 'processed', VALUES(raw_body), raw_body)",
			array( $dedupe_key, $event_name, $invitee_uri, $now, $now, $outcome, $attempts, $next_attempt_at, $error, bin2hex( $raw_body ), $signature_t )
		);
		$this->checked( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$inserted = 1 === (int) $this->db->rows_affected;
		if ( $inserted && (int) $this->db->insert_id > 0 ) {
			// A new row is what was just written, and the insert holds its lock: no read needed.
			return array(
				'id'       => (int) $this->db->insert_id,
				'outcome'  => $outcome,
				'attempts' => $attempts,
				'inserted' => true,
			);
		}
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, outcome, attempts FROM {$this->table()} WHERE dedupe_key = %s FOR UPDATE", $dedupe_key ), ARRAY_A ) );
		if ( ! $row ) {
			throw new DatabaseError( 'ledger row vanished' );
		}
		return array(
			'id'       => (int) $row['id'],
			'outcome'  => (string) $row['outcome'],
			'attempts' => (int) $row['attempts'],
			'inserted' => $inserted,
		);
	}

	/** @return array{id:int,outcome:string,attempts:int}|null */
	public function lock( int $id ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, outcome, attempts FROM {$this->table()} WHERE id = %d FOR UPDATE", $id ), ARRAY_A ) );
		return $row ? array(
			'id'       => (int) $row['id'],
			'outcome'  => (string) $row['outcome'],
			'attempts' => (int) $row['attempts'],
		) : null;
	}

	/** Longest event name the ledger keeps in its column (the body keeps the rest). */
	public const NAME_MAX = 191;

	/** Longest error text kept (a message may quote a signed field). */
	public const ERROR_MAX = 1000;

	/** Replaces a processed row's raw bytes by its redacted form (still parseable). */
	public function replace_body( int $id, string $body ): void {
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET raw_body = UNHEX(%s) WHERE id = %d", bin2hex( $body ), $id ) ) );
	}

	/** Empties every stored body about an erased invitee (by URI, or by its session). */
	public function clear_bodies_of_invitee( string $uri, int $session_id ): void {
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET raw_body = NULL WHERE (invitee_uri = %s OR session_id = %d) AND raw_body IS NOT NULL", $uri, $session_id ) ) );
	}

	/**
	 * Sets the outcome of a row (and clears the retry schedule unless one is given); with
	 * $body, its raw bytes are replaced by it in the same statement (a processed delivery's
	 * redacted form, see replace_body()).
	 */
	public function set_outcome( int $id, string $outcome, ?int $session_id, ?string $error, int $attempts, ?string $next_attempt_at, ?string $body = null ): void {
		$set  = 'outcome = %s, session_id = %d, last_error = %s, attempts = %d, next_attempt_at = %s';
		$args = array( $outcome, $session_id, $error, $attempts, $next_attempt_at );
		if ( null !== $body ) {
			$set   .= ', raw_body = UNHEX(%s)';
			$args[] = bin2hex( $body );
		}
		$args[] = $id;
		$sql    = $this->prepare_nullable( "UPDATE {$this->table()} SET {$set} WHERE id = %d", $args );
		$this->checked( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * Rows due for another attempt.
	 *
	 * @return array<int,array<string,mixed>> id, attempts, raw_body, signature_t.
	 */
	public function due_for_retry( string $now, int $limit ): array {
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					"SELECT id, attempts, raw_body, signature_t FROM {$this->table()}
					WHERE outcome IN ('failed', 'retrying') AND next_attempt_at IS NOT NULL AND next_attempt_at <= %s AND raw_body IS NOT NULL
					ORDER BY next_attempt_at LIMIT %d",
					$now,
					$limit
				),
				ARRAY_A
			)
		);
	}

	/**
	 * Clears raw bodies received before $before (retention).
	 *
	 * @return int Rows cleared.
	 */
	public function clear_raw_bodies( string $before, int $limit ): int {
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET raw_body = NULL WHERE raw_body IS NOT NULL AND last_received < %s LIMIT %d", $before, $limit ) ) );
		return (int) $this->db->rows_affected;
	}

	/**
	 * Stale deliveries (authentic, outside the signature tolerance) whose
	 * invitee has not been looked up through the API yet.
	 *
	 * @return array<int,array<string,mixed>> id, attempts, raw_body, invitee_uri.
	 */
	public function stale_due( string $now, int $limit ): array {
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					"SELECT id, attempts, raw_body, invitee_uri FROM {$this->table()}
					WHERE outcome = 'stale' AND (next_attempt_at IS NULL OR next_attempt_at <= %s) AND raw_body IS NOT NULL
					ORDER BY id LIMIT %d",
					$now,
					$limit
				),
				ARRAY_A
			)
		);
	}

	/** @return array<string,int> outcome => rows. */
	public function counts_by_outcome(): array {
		$rows = $this->checked( $this->db->get_results( "SELECT outcome, COUNT(*) AS n FROM {$this->table()} GROUP BY outcome", ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return array_map( 'intval', array_column( (array) $rows, 'n', 'outcome' ) );
	}

	/** Rows that failed and will not be retried any more. */
	public function failed_for_good(): int {
		return (int) $this->checked( $this->db->get_var( "SELECT COUNT(*) FROM {$this->table()} WHERE outcome = 'failed' AND next_attempt_at IS NULL" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/** When the newest delivery with a verified signature arrived (UTC "Y-m-d H:i:s.u"), or null. */
	public function last_verified_delivery(): ?string {
		$value = $this->checked( $this->db->get_var( "SELECT last_received FROM {$this->table()} WHERE signature_t IS NOT NULL ORDER BY first_received DESC LIMIT 1" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return null === $value ? null : (string) $value;
	}
}
