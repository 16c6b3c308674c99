<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of {prefix}tfsp_calendly_counters: why requests were refused (bad signatures, oversized bodies, rate limit).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class CounterRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_calendly_counters';
	}

	public function increment( string $key ): void {
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"INSERT INTO {$this->table()} (counter_key, counter_value, updated_at) VALUES (%s, 1, %s)
					ON DUPLICATE KEY UPDATE counter_value = counter_value + 1, updated_at = VALUES(updated_at)",
					$key,
					Clock::mysql_now()
				)
			)
		);
	}

	/** @return array<string,int> */
	public function all(): array {
		$rows = $this->checked( $this->db->get_results( "SELECT counter_key, counter_value FROM {$this->table()}", ARRAY_A ) );
		return array_map( 'intval', array_column( (array) $rows, 'counter_value', 'counter_key' ) );
	}
}
