<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of {prefix}tfsp_calendly_throttle: failed verifications per client address and minute, shared by all web nodes.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class ThrottleRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_calendly_throttle';
	}

	public function failures( string $address, int $window_start ): int {
		return (int) $this->checked( $this->db->get_var( $this->db->prepare( "SELECT failures FROM {$this->table()} WHERE client_address = %s AND window_start = %d", $address, $window_start ) ) );
	}

	public function record_failure( string $address, int $window_start ): void {
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"INSERT INTO {$this->table()} (client_address, window_start, failures) VALUES (%s, %d, 1) ON DUPLICATE KEY UPDATE failures = failures + 1",
					$address,
					$window_start
				)
			)
		);
	}

	/** Forgets windows that ended before $before (seconds). */
	public function purge( int $before ): void {
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->table()} WHERE window_start < %d", $before ) ) );
	}
}
