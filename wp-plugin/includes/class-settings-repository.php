<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of {prefix}tfsp_calendly_settings: one row per setting, values as stored (sealed where secret).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SettingsRepository extends Repository {

	public function table(): string {
		return $this->db->prefix . 'tfsp_calendly_settings';
	}

	/**
	 * Every stored value, keyed by setting_key.
	 *
	 * @return array<string,string>
	 * @throws DatabaseError When the table cannot be read.
	 */
	public function all(): array {
		$rows = $this->checked( $this->db->get_results( "SELECT setting_key, setting_value FROM {$this->table()}", ARRAY_A ) );
		$out  = array();
		foreach ( (array) $rows as $row ) {
			$out[ $row['setting_key'] ] = (string) $row['setting_value'];
		}
		return $out;
	}

	/**
	 * One stored value, or null; null too when the table does not exist yet (before the first
	 * migration) or cannot be read.  A deadlock is never taken for "no value": on Galera the
	 * statement after a brute-force abort of the transaction it runs in gets the 1213 (the
	 * server rolled the transaction back meanwhile), and the statements after it would run
	 * with autocommit, outside any transaction.  So it throws, and the transaction is retried.
	 *
	 * @throws DatabaseError On a deadlock or lock wait timeout.
	 */
	public function find_quietly( string $key ): ?string {
		$suppressed = $this->db->suppress_errors( true );
		$value      = $this->db->get_var( $this->db->prepare( "SELECT setting_value FROM {$this->table()} WHERE setting_key = %s", $key ) );
		$this->db->suppress_errors( $suppressed );
		$error = new DatabaseError( (string) $this->db->last_error );
		if ( $error->is_retryable() ) {
			throw $error;
		}
		return null === $value ? null : (string) $value;
	}

	public function put( string $key, string $value ): void {
		$now = Clock::mysql_now();
		$this->checked(
			$this->db->query(
				$this->db->prepare(
					"INSERT INTO {$this->table()} (setting_key, setting_value, created_at, updated_at) VALUES (%s, %s, %s, %s)
					ON DUPLICATE KEY UPDATE setting_value = VALUES(setting_value), updated_at = VALUES(updated_at)",
					$key,
					$value,
					$now,
					$now
				)
			)
		);
	}

	public function delete( string $key ): void {
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->table()} WHERE setting_key = %s", $key ) ) );
	}

	/** Deletes every row whose key starts with the prefix (internal rows kept per job). */
	public function delete_prefixed( string $prefix ): void {
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$this->table()} WHERE setting_key LIKE %s", $this->db->esc_like( $prefix ) . '%' ) ) );
	}
}
