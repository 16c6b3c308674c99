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

	public function __construct( string $message, ?\Throwable $previous = null ) {
		parent::__construct( 'database', $message, array(), $previous );
	}

	/** True for a deadlock or a lock wait timeout: the whole transaction may be tried again. */
	public function is_retryable(): bool {
		$message = $this->getMessage();
		return false !== stripos( $message, 'Deadlock found' ) || false !== stripos( $message, 'Lock wait timeout' );
	}
}
