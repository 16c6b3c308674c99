<?php
/**
 * A database statement that failed: the webhook answers 503 so that Calendly retries.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class DatabaseError extends \RuntimeException {

	/** True for a deadlock or a lock wait timeout: the whole transaction may be tried again. */
	public function is_retryable(): bool {
		$message = $this->getMessage();
		return false !== stripos( $message, 'Deadlock found' ) || false !== stripos( $message, 'Lock wait timeout' );
	}
}
