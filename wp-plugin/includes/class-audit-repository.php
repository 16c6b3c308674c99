<?php
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
		if ( ! in_array( $actor_type, self::ACTORS, true ) ) {
			throw new \InvalidArgumentException( 'Unknown actor type ' . $actor_type );
		}
		$sql = $this->prepare_nullable(
			"INSERT INTO {$this->table()} (session_id, created_at, actor_type, actor_user_id, field, old_value, new_value, reason, ledger_id) VALUES (%d, %s, %s, %d, %s, %s, %s, %s, %d)",
			array( $session_id, Clock::to_datetime( $at_us ), $actor_type, $actor_user_id, $field, $old_value, $new_value, $reason, $ledger_id )
		);
		$this->checked( $this->db->query( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}
}
