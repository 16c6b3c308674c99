<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A database statement that failed: the webhook answers 503 so that Calendly retries.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class DatabaseError extends PluginError {

	/** Whether the transaction may be tried again whatever the message says. */
	private bool $retryable;

	public function __construct( string $message, ?\Throwable $previous = null, bool $retryable = false ) {
		parent::__construct( 'database', $message, array(), $previous );
		$this->retryable = $retryable;
	}

	/**
	 * True for a deadlock or a lock wait timeout, and for a transaction the
	 * server rolled back before its commit: the whole transaction may be
	 * tried again.
	 */
	public function is_retryable(): bool {
		if ( $this->retryable ) {
			return true;
		}
		$message = $this->getMessage();
		return false !== stripos( $message, 'Deadlock found' ) || false !== stripos( $message, 'Lock wait timeout' );
	}
}
