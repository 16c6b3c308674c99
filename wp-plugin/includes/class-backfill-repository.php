<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of {prefix}tfsp_calendly_backfills: one row per back-fill job, with its window, cursor, counts and state.
 *
 * The cursor is the page token of the page being worked on (NULL: the first
 * page) and the number of events of that page already finished, so that an
 * interrupted job re-reads only the page it was on.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class BackfillRepository extends Repository {

	public const STATES = array( 'queued', 'running', 'done', 'failed' );

	/** Counters a slice adds to. */
	public const COUNTS = array( 'pages_done', 'events_seen', 'events_skipped', 'invitees_synced', 'invitees_failed', 'requests', 'throttled', 'slices', 'errors' );

	public function table(): string {
		return $this->db->prefix . 'tfsp_calendly_backfills';
	}

	/** A new queued job; returns its id. */
	public function create( string $reason, string $from, string $to, ?int $user_id ): int {
		$sql = $this->prepare_nullable(
			"INSERT INTO {$this->table()} (state, reason, window_from, window_to, created_by, created_at, updated_at) VALUES ('queued', %s, %s, %s, %d, %s, %s)",
			array( $reason, $from, $to, $user_id, Clock::mysql_now(), Clock::mysql_now() )
		);
		$this->checked( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		return (int) $this->db->insert_id;
	}

	/** @return array<string,mixed>|null */
	public function find( int $id ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT * FROM {$this->table()} WHERE id = %d", $id ), ARRAY_A ) );
		return $row ? $row : null;
	}

	/** The oldest job that is queued or was interrupted while running. */
	public function next_unfinished(): ?array {
		$row = $this->checked( $this->db->get_row( "SELECT * FROM {$this->table()} WHERE state IN ('queued', 'running') ORDER BY id LIMIT 1", ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	/** The newest job of a reason ("admin", "recovery", "polling"), or of any reason. */
	public function latest( ?string $reason = null ): ?array {
		$row = null === $reason
			? $this->db->get_row( "SELECT * FROM {$this->table()} ORDER BY id DESC LIMIT 1", ARRAY_A ) // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			: $this->db->get_row( $this->db->prepare( "SELECT * FROM {$this->table()} WHERE reason = %s ORDER BY id DESC LIMIT 1", $reason ), ARRAY_A );
		$row = $this->checked( $row );
		return $row ? $row : null;
	}

	/** True when a job of this reason is queued or running. */
	public function has_unfinished( string $reason ): bool {
		return null !== $this->checked( $this->db->get_var( $this->db->prepare( "SELECT id FROM {$this->table()} WHERE reason = %s AND state IN ('queued', 'running') LIMIT 1", $reason ) ) );
	}

	/** The newest job of this reason in this state ("queued" or "running"), or null. */
	public function newest_in_state( string $reason, string $state ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( "SELECT * FROM {$this->table()} WHERE reason = %s AND state = %s ORDER BY id DESC LIMIT 1", $reason, $state ), ARRAY_A ) );
		return $row ? $row : null;
	}

	/**
	 * Widens a job that is still queued to cover [$from, $to) too (earliest
	 * from, latest to).  False when it is no longer queued (a slice just
	 * started it): then its window must not move under the cursor.
	 */
	public function widen_queued( int $id, string $from, string $to ): bool {
		$done = $this->checked(
			$this->db->query(
				$this->db->prepare(
					"UPDATE {$this->table()} SET window_from = LEAST(window_from, %s), window_to = GREATEST(window_to, %s), updated_at = %s WHERE id = %d AND state = 'queued'",
					$from,
					$to,
					Clock::mysql_now(),
					$id
				)
			)
		);
		return 1 === (int) $done || ( 0 === (int) $done && null !== $this->checked( $this->db->get_var( $this->db->prepare( "SELECT id FROM {$this->table()} WHERE id = %d AND state = 'queued'", $id ) ) ) );
	}

	/** Marks a job running (first slice sets started_at). */
	public function start( int $id ): void {
		$now = Clock::mysql_now();
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET state = 'running', started_at = COALESCE(started_at, %s), updated_at = %s WHERE id = %d", $now, $now, $id ) ) );
	}

	/**
	 * Stores the cursor and adds to the counters, in one statement, so that
	 * the cursor never runs ahead of the counts.
	 *
	 * @param array<string,int> $add Counter => amount.
	 */
	public function advance( int $id, ?string $page_token, int $event_index, array $add ): void {
		$sets = array( 'page_token = %s', 'event_index = %d', 'updated_at = %s' );
		$args = array( $page_token, $event_index, Clock::mysql_now() );
		foreach ( self::COUNTS as $counter ) {
			if ( ! empty( $add[ $counter ] ) ) {
				$sets[] = "{$counter} = {$counter} + %d";
				$args[] = (int) $add[ $counter ];
			}
		}
		$args[] = $id;
		$sql    = $this->prepare_nullable( "UPDATE {$this->table()} SET " . implode( ', ', $sets ) . ' WHERE id = %d', $args );
		$this->checked( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/** Adds to the counters only. @param array<string,int> $add Counter => amount. */
	public function add_counts( int $id, array $add ): void {
		$sets = array( 'updated_at = %s' );
		$args = array( Clock::mysql_now() );
		foreach ( self::COUNTS as $counter ) {
			if ( ! empty( $add[ $counter ] ) ) {
				$sets[] = "{$counter} = {$counter} + %d";
				$args[] = (int) $add[ $counter ];
			}
		}
		$args[] = $id;
		$this->checked( $this->db->query( $this->db->prepare( "UPDATE {$this->table()} SET " . implode( ', ', $sets ) . ' WHERE id = %d', $args ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	public function set_error( int $id, ?string $error ): void {
		$sql = $this->prepare_nullable( "UPDATE {$this->table()} SET last_error = %s, updated_at = %s WHERE id = %d", array( $error, Clock::mysql_now(), $id ) );
		$this->checked( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/** Ends a job: "done" or "failed". */
	public function finish( int $id, string $state, ?string $error ): void {
		$now = Clock::mysql_now();
		$sql = $this->prepare_nullable(
			"UPDATE {$this->table()} SET state = %s, last_error = COALESCE(%s, last_error), finished_at = %s, updated_at = %s WHERE id = %d",
			array( $state, $error, $now, $now, $id )
		);
		$this->checked( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}
}
