<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Who or what changed a session, for the audit rows of one write: the actor
 * type (calendly, sync, coach, admin, system), the user, the reason, the
 * ledger row of the delivery, and the instant.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class AuditActor {

	public string $type;
	public ?int $user_id;
	public string $reason;
	public ?int $ledger_id;
	public int $at_us;

	public function __construct( string $type, ?int $user_id, string $reason, ?int $ledger_id = null, ?int $at_us = null ) {
		if ( ! in_array( $type, AuditRepository::ACTORS, true ) ) {
			throw new \InvalidArgumentException( 'Unknown actor type ' . $type );
		}
		$this->type      = $type;
		$this->user_id   = $user_id;
		$this->reason    = $reason;
		$this->ledger_id = $ledger_id;
		$this->at_us     = $at_us ?? Clock::now_us();
	}

	public static function system( string $reason ): self {
		return new self( 'system', null, $reason );
	}

	/** The same write, told as another actor type with another reason (the sync's links inside a delivery). */
	public function as( string $type, string $reason ): self {
		return new self( $type, 'sync' === $type ? null : $this->user_id, $reason, $this->ledger_id, $this->at_us );
	}

	/** One audit row, as AuditRepository::add_many() takes it. */
	public function row( int $session_id, string $field, ?string $old, ?string $new ): array {
		return array( $session_id, $this->type, $this->user_id, $field, $old, $new, $this->reason, $this->ledger_id, $this->at_us );
	}
}
