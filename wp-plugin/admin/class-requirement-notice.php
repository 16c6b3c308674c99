<?php
/**
 * The requirement gate's admin notice: the calsync extension is not loaded, and what that means.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

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
		echo '<div class="notice notice-error"><p><strong>' . esc_html__( 'TFSP Calendly Sync is not running: the PHP extension "calsync" is not loaded.', 'tfsp-calendly-sync' ) . '</strong></p><p>'
			. esc_html__( 'The rest of the site works as before. Calendly webhooks are answered 503 until the extension is installed, and Calendly retries them for 24 hours. Install calsync.so and add "extension=calsync.so" to the PHP configuration of the web server, then restart PHP.', 'tfsp-calendly-sync' )
			. '</p></div>';
	}
}
