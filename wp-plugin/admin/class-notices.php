<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Messages that outlive the redirect after a form was handled: kept per user for a minute, shown once.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

defined( 'ABSPATH' ) || exit;

final class Notices {

	private const TTL = 120;

	/** @param string $type "success", "error", "warning" or "info". */
	public static function add( string $type, string $message ): void {
		$key             = self::key();
		$list            = get_transient( $key );
		$list            = is_array( $list ) ? $list : array();
		$list[]          = array(
			'type'    => $type,
			'message' => $message,
		);
		set_transient( $key, $list, self::TTL );
	}

	/** Prints and forgets the messages of the current user. */
	public static function render(): void {
		$key  = self::key();
		$list = get_transient( $key );
		if ( ! is_array( $list ) ) {
			return;
		}
		delete_transient( $key );
		foreach ( $list as $notice ) {
			$type = in_array( $notice['type'] ?? '', array( 'success', 'error', 'warning', 'info' ), true ) ? $notice['type'] : 'info';
			echo '<div class="notice notice-' . esc_attr( $type ) . ' is-dismissible tfsp-calendly-notice"><p>' . esc_html( (string) ( $notice['message'] ?? '' ) ) . '</p></div>';
		}
	}

	/** Sends the browser back to a page of the plugin and ends the request. */
	public static function redirect( string $page, array $args = array() ): void {
		wp_safe_redirect( add_query_arg( array_merge( array( 'page' => $page ), $args ), admin_url( 'admin.php' ) ) );
		exit;
	}

	/**
	 * Without the core, refuses the form being handled: the "no_extension"
	 * notice of the error table, and back to the plugin's page.  With the
	 * core, returns.
	 */
	public static function refuse_without_core( string $page ): void {
		$missing = \TFSP\CalendlySync\Plugin::core_missing();
		if ( null === $missing ) {
			return;
		}
		self::add( 'error', $missing->notice() );
		self::redirect( $page );
	}

	private static function key(): string {
		return 'tfsp_calendly_notices_' . get_current_user_id();
	}
}
