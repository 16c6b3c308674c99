<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of {prefix}tfsp_calendly_seen_events: the updated_at of each scheduled event when a back-fill last finished it.
 *
 * A back-fill skips an event whose updated_at has not moved since, which
 * saves the invitee request for every unchanged event.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SeenEventRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_calendly_seen_events';
	}

	private static function key( string $event_uri ): string {
		return hash( 'sha256', strtolower( $event_uri ) );
	}

	/**
	 * The updated_at (microseconds) last finished for each of these events.
	 *
	 * @param string[] $event_uris Scheduled event URIs.
	 * @return array<string,int> Lower-case URI => updated_at.
	 */
	public function updated_at_of( array $event_uris ): array {
		if ( ! $event_uris ) {
			return array();
		}
		$keys = array();
		foreach ( $event_uris as $uri ) {
			$keys[ self::key( $uri ) ] = strtolower( $uri );
		}
		$placeholders = implode( ',', array_fill( 0, count( $keys ), '%s' ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare
		$rows = $this->checked( $this->db->get_results( $this->db->prepare( "SELECT event_key, updated_at FROM {$this->table()} WHERE event_key IN ({$placeholders})", ...array_keys( $keys ) ), ARRAY_A ) );
		$out  = array();
		foreach ( (array) $rows as $row ) {
			$out[ $keys[ $row['event_key'] ] ] = (int) $row['updated_at'];
		}
		return $out;
	}

	public function remember( string $event_uri, int $updated_at ): void {
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"INSERT INTO {$this->table()} (event_key, event_uri, updated_at, seen_at) VALUES (%s, %s, %d, %s)
					ON DUPLICATE KEY UPDATE updated_at = VALUES(updated_at), seen_at = VALUES(seen_at)",
					self::key( $event_uri ),
					$event_uri,
					$updated_at,
					Clock::mysql_now()
				)
			)
		);
	}
}
