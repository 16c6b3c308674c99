<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of the admin's view of the ledger ({prefix}tfsp_calendly_events): filtered pages, newest
 * first with keyset paging by id, and one row with its stored body for a retry or replay.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class LedgerListRepository extends Repository {

	public const OUTCOMES = array( 'processed', 'ignored', 'failed', 'retrying', 'stale' );

	private const COLUMNS = 'id, dedupe_key, event_name, invitee_uri, first_received, last_received, deliveries, outcome, attempts, next_attempt_at, last_error, session_id, signature_t, raw_body IS NOT NULL AS has_body';

	public function table(): string {
		return $this->db->prefix . 'tfsp_calendly_events';
	}

	/**
	 * One page, newest first.
	 *
	 * @param array    $filters   outcome, event (event name), search (invitee URI prefix or dedupe key), id (one row).
	 * @param int|null $after_id  Next page: rows older than this id.
	 * @param int|null $before_id Previous page: rows newer than this id (0: the last page).
	 * @return array<int,array<string,mixed>>
	 */
	public function page( array $filters, ?int $after_id, ?int $before_id, int $limit ): array {
		return $this->page_by_id( self::COLUMNS, $this->where( $filters ), $after_id, $before_id, $limit );
	}

	public function count( array $filters ): int {
		$sql = "SELECT COUNT(*) FROM {$this->table()} WHERE " . implode( ' AND ', $this->where( $filters ) );
		return (int) $this->checked( $this->db->get_var( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- parts prepared.
	}

	/** The distinct event names seen (for the filter). @return string[] */
	public function event_names(): array {
		$names = $this->checked( $this->db->get_col( "SELECT DISTINCT event_name FROM {$this->table()} WHERE event_name IS NOT NULL ORDER BY event_name LIMIT 50" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return array_map( 'strval', (array) $names );
	}

	/**
	 * A row with what SessionSync::replay() needs: id, attempts, raw_body, signature_t, outcome.
	 *
	 * @return array<string,mixed>|null
	 */
	public function for_replay( int $id ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT id, attempts, raw_body, signature_t, outcome FROM {$this->table()} WHERE id = %d", $id ), ARRAY_A ) );
		return $row ? $row : null;
	}

	/** @return string[] */
	private function where( array $filters ): array {
		$where = array( '1=1' );
		if ( ! empty( $filters['outcome'] ) && in_array( $filters['outcome'], self::OUTCOMES, true ) ) {
			$where[] = $this->db->prepare( 'outcome = %s', $filters['outcome'] );
		}
		if ( ! empty( $filters['id'] ) ) {
			$where[] = $this->db->prepare( 'id = %d', (int) $filters['id'] );
		}
		if ( ! empty( $filters['event'] ) ) {
			$where[] = $this->db->prepare( 'event_name = %s', (string) $filters['event'] );
		}
		if ( isset( $filters['search'] ) && '' !== $filters['search'] ) {
			$search  = (string) $filters['search'];
			if ( preg_match( '/^[0-9a-f]{64}$/', $search ) ) {
				$where[] = $this->db->prepare( 'dedupe_key = %s', $search );
			} elseif ( preg_match( '#^https?://#i', $search ) ) {
				$where[] = $this->db->prepare( 'invitee_uri = %s', $search ); // Served by the invitee_uri index.
			} else {
				$where[] = $this->db->prepare( 'invitee_uri LIKE %s', '%' . $this->db->esc_like( $search ) . '%' );
			}
		}
		return $where;
	}
}
