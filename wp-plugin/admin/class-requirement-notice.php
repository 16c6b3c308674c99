<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The requirement gate's admin notice: the calsync extension is not loaded (or too old), and what that means.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Plugin;

defined( 'ABSPATH' ) || exit;

final class RequirementNotice {

	public static function register(): void {
		add_action( 'admin_notices', array( self::class, 'render' ) );
		add_action( 'network_admin_notices', array( self::class, 'render' ) );
	}

	public static function render(): void {
		if ( ! current_user_can( 'activate_plugins' ) && ! current_user_can( 'tfsp_calendly_manage' ) ) {
			return;
		}
		$version = phpversion( 'calsync' );
		$title   = false === $version
			? __( 'TFSP Calendly Sync is not running: the PHP extension "calsync" is not loaded.', 'tfsp-calendly-sync' )
			/* translators: 1: the loaded extension's version, 2: the oldest version the plugin works with */
			: sprintf( __( 'TFSP Calendly Sync is not running: the PHP extension "calsync" is version %1$s, and this plugin needs %2$s or later.', 'tfsp-calendly-sync' ), $version, Plugin::EXTENSION_MIN );
		echo '<div class="notice notice-error"><p><strong>' . esc_html( $title ) . '</strong></p><p>'
			. esc_html__( 'The rest of the site works as before. Calendly webhooks are answered 503 until the extension is installed, and Calendly retries them for 24 hours. Install calsync.so and add "extension=calsync.so" to the PHP configuration of the web server, then restart PHP.', 'tfsp-calendly-sync' )
			. '</p></div>';
	}
}
