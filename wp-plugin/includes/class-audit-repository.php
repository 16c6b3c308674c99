<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of {prefix}tfsp_session_audit: append-only, one row per change of a session.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class AuditRepository extends Repository {

	public const ACTORS = array( 'calendly', 'sync', 'coach', 'admin', 'system' );

	public function table(): string {
		return $this->db->prefix . 'tfsp_session_audit';
	}

	public function add( ?int $session_id, string $actor_type, ?int $actor_user_id, ?string $field, ?string $old_value, ?string $new_value, ?string $reason, ?int $ledger_id, int $at_us ): void {
		$this->add_many( array( array( $session_id, $actor_type, $actor_user_id, $field, $old_value, $new_value, $reason, $ledger_id, $at_us ) ) );
	}

	/**
	 * Appends several entries in one statement: a webhook that changes twenty
	 * facts writes twenty rows, and one round trip instead of twenty is most
	 * of the webhook route's database time.
	 *
	 * @param array<int,array> $entries Each: session_id, actor_type, actor_user_id, field, old_value, new_value, reason, ledger_id, at_us.
	 */
	public function add_many( array $entries ): void {
		if ( ! $entries ) {
			return;
		}
		$rows = array();
		foreach ( $entries as $e ) {
			[ $session_id, $actor_type, $actor_user_id, $field, $old_value, $new_value, $reason, $ledger_id, $at_us ] = $e;
			if ( ! in_array( $actor_type, self::ACTORS, true ) ) {
				throw new \InvalidArgumentException( 'Unknown actor type ' . $actor_type );
			}
			$rows[] = $this->prepare_nullable(
				'(%d, %s, %s, %d, %s, %s, %s, %s, %d)',
				array( $session_id, Clock::to_datetime( $at_us ), $actor_type, $actor_user_id, $field, $old_value, $new_value, $reason, $ledger_id )
			);
		}
		$sql = "INSERT INTO {$this->table()} (session_id, created_at, actor_type, actor_user_id, field, old_value, new_value, reason, ledger_id) VALUES " . implode( ', ', $rows );
		$this->checked( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- each row prepared above.
	}

	/**
	 * The history of these sessions, oldest first, keyed by session id (at most $limit rows in all).
	 *
	 * @param int[] $session_ids Sessions.
	 * @return array<int,array<int,array<string,mixed>>>
	 */
	public function for_sessions( array $session_ids, int $limit = 2000 ): array {
		$ids = array_values( array_unique( array_map( 'intval', $session_ids ) ) );
		if ( ! $ids ) {
			return array();
		}
		$placeholders = implode( ',', array_fill( 0, count( $ids ), '%d' ) );
		$args         = array_merge( $ids, array( $limit ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare
		$rows = $this->checked( $this->db->get_results( $this->db->prepare( "SELECT id, session_id, created_at, actor_type, actor_user_id, field, old_value, new_value, reason, ledger_id FROM {$this->table()} WHERE session_id IN ({$placeholders}) ORDER BY session_id, id LIMIT %d", ...$args ), ARRAY_A ) );
		$out  = array();
		foreach ( (array) $rows as $row ) {
			$out[ (int) $row['session_id'] ][] = $row;
		}
		return $out;
	}
}
