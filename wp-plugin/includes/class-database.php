<?php
/**
 * Transactions and named locks (GET_LOCK), so that several web nodes never run one job twice;
 * lock names are per site (database and table prefix), so that another site on the same server never blocks ours.
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

	/** MariaDB's longest user-level lock name. */
	public const LOCK_NAME_MAX = 64;

	/** The lock's name, unique per site: see lock_name_for(). */
	public function lock_name( string $job ): string {
		return self::lock_name_for( (string) $this->db->dbname, $this->db->prefix, $job );
	}

	/**
	 * The one rule for lock names: "tfsp_calendly:<database>:<prefix>:<job>",
	 * so that two sites on one MariaDB server (same prefix, other database)
	 * never share a lock; when that is longer than MariaDB allows, the
	 * database and prefix become a hash, and if even that is too long, the
	 * whole name does.
	 */
	public static function lock_name_for( string $database, string $prefix, string $job ): string {
		$name = 'tfsp_calendly:' . $database . ':' . $prefix . ':' . $job;
		if ( strlen( $name ) <= self::LOCK_NAME_MAX ) {
			return $name;
		}
		$name = 'tfsp_calendly:' . substr( hash( 'sha256', $database . "\0" . $prefix ), 0, 32 ) . ':' . $job;
		if ( strlen( $name ) <= self::LOCK_NAME_MAX ) {
			return $name;
		}
		return 'tfsp_calendly:' . substr( hash( 'sha256', $database . "\0" . $prefix . "\0" . $job ), 0, self::LOCK_NAME_MAX - 14 );
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
