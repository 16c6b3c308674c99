<?php
/**
 * Transactions and named locks (GET_LOCK), so that several web nodes never run one job twice.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Database extends Repository {

	public function table(): string {
		return '';
	}

	public function begin(): void {
		$this->checked( $this->db->query( 'START TRANSACTION' ) );
	}

	public function commit(): void {
		$this->checked( $this->db->query( 'COMMIT' ) );
	}

	/** Never throws: it runs on error paths. */
	public function rollback(): void {
		$this->db->query( 'ROLLBACK' );
	}

	/** The lock's name, unique per site: "<prefix>tfsp_calendly_<job>". */
	public function lock_name( string $job ): string {
		return substr( $this->db->prefix . 'tfsp_calendly_' . $job, 0, 64 );
	}

	/** Takes the named lock without waiting (timeout 0 by default); false when another connection holds it. */
	public function try_lock( string $job, int $timeout = 0 ): bool {
		$got = $this->checked( $this->db->get_var( $this->db->prepare( 'SELECT GET_LOCK(%s, %d)', $this->lock_name( $job ), $timeout ) ) );
		return '1' === (string) $got;
	}

	public function unlock( string $job ): void {
		$this->db->query( $this->db->prepare( 'SELECT RELEASE_LOCK(%s)', $this->lock_name( $job ) ) );
	}
}
