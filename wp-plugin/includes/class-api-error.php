<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * A Calendly API call that failed, in the plugin's words: what kind of failure, the HTTP status, and a safe message.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class ApiError extends PluginError {

	/**
	 * not_configured (no token or API base), secret_unreadable, token_rejected
	 * (401), forbidden (403), not_found (404), conflict (409), rate_limited
	 * (429 after the client's own waits), unreachable (transport), invalid
	 * (400, or an answer that does not parse), server (5xx), argument (the
	 * client refused a value before sending: ValueError/TypeError), blocked_host
	 * (WP_HTTP_BLOCK_EXTERNAL forbids the host; nothing was sent), other.
	 */
	public string $kind;

	/** The HTTP status, 0 when none was received. */
	public int $status;

	/** Milliseconds to wait before trying again (rate_limited), else 0. */
	public int $retry_after_ms;

	public function __construct( string $kind, int $status, string $message, int $retry_after_ms = 0, ?\Throwable $previous = null ) {
		$this->kind           = $kind;
		$this->status         = $status;
		$this->retry_after_ms = $retry_after_ms;
		parent::__construct( 'api', $message, array( 'calendly_status' => $status ), $previous, $status );
	}

	/** The kind of an HTTP status. */
	public static function kind_of( int $status ): string {
		if ( 0 === $status ) {
			return 'unreachable';
		}
		$kinds = array(
			400 => 'invalid',
			401 => 'token_rejected',
			403 => 'forbidden',
			404 => 'not_found',
			409 => 'conflict',
			429 => 'rate_limited',
		);
		if ( isset( $kinds[ $status ] ) ) {
			return $kinds[ $status ];
		}
		return $status >= 500 ? 'server' : 'other';
	}

	/** Worth trying again later without anyone's help. */
	public function is_transient(): bool {
		return in_array( $this->kind, array( 'rate_limited', 'unreachable', 'server' ), true );
	}
}
