<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Plugin Name:       TFSP Calendly Sync
 * Description:       Keeps the mentorship portal's coaching sessions in step with Calendly: signed webhooks, cancellations, reschedules and attendance marks.
 * Version:           0.2.0
 * Requires at least: 6.1
 * Requires PHP:      8.2
 * Author:            TFSP
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Update URI:        https://example.org/calsync/tfsp-calendly-sync
 * Text Domain:       tfsp-calendly-sync
 * Domain Path:       /languages
 *
 * Bootstrap: constants, the class autoloader, the requirement gate, then boot.
 *
 * @package TFSP\CalendlySync
 */

defined( 'ABSPATH' ) || exit;

define( 'TFSP_CALENDLY_SYNC_VERSION', '0.2.0' );
define( 'TFSP_CALENDLY_SYNC_FILE', __FILE__ );
define( 'TFSP_CALENDLY_SYNC_DIR', __DIR__ );

/*
 * TFSP\CalendlySync\Foo          -> includes/class-foo.php
 * TFSP\CalendlySync\Rest\FooBar  -> rest/class-foo-bar.php (likewise cron/, admin/, public/)
 */
spl_autoload_register(
	static function ( string $class ): void {
		$prefix = 'TFSP\\CalendlySync\\';
		if ( 0 !== strncmp( $class, $prefix, strlen( $prefix ) ) ) {
			return;
		}
		$parts  = explode( '\\', substr( $class, strlen( $prefix ) ) );
		$name   = array_pop( $parts );
		$folder = $parts ? strtolower( implode( '/', $parts ) ) : 'includes';
		$file   = 'class-' . strtolower( (string) preg_replace( '/(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/', '-', $name ) ) . '.php';
		$path   = TFSP_CALENDLY_SYNC_DIR . '/' . $folder . '/' . $file;
		if ( is_readable( $path ) ) {
			require $path;
		}
	}
);

// Translations (languages/tfsp-calendly-sync-LOCALE.mo), with or without the extension.
add_action(
	'init',
	static function (): void {
		load_plugin_textdomain( 'tfsp-calendly-sync', false, dirname( plugin_basename( __FILE__ ) ) . '/languages' );
	}
);

// The Plugins screen: a Settings link beside Deactivate.
add_filter(
	'plugin_action_links_' . plugin_basename( __FILE__ ),
	static function ( array $links ): array {
		if ( current_user_can( \TFSP\CalendlySync\Plugin::CAP_MANAGE ) ) {
			array_unshift( $links, '<a href="' . esc_url( admin_url( 'admin.php?page=' . \TFSP\CalendlySync\Admin\SettingsPage::SLUG ) ) . '">' . esc_html__( 'Settings', 'tfsp-calendly-sync' ) . '</a>' );
		}
		return $links;
	}
);

// Suggested text for the site's privacy policy (Settings > Privacy).
add_action(
	'admin_init',
	static function (): void {
		if ( function_exists( 'wp_add_privacy_policy_content' ) ) {
			wp_add_privacy_policy_content( __( 'TFSP Calendly Sync', 'tfsp-calendly-sync' ), \TFSP\CalendlySync\Privacy::policy_text() );
		}
	}
);

register_activation_hook( __FILE__, array( \TFSP\CalendlySync\Plugin::class, 'activate' ) );
register_deactivation_hook( __FILE__, array( \TFSP\CalendlySync\Plugin::class, 'deactivate' ) );

// On the Plugins screen, with or without the extension: what deleting the
// plugin will do about Calendly, and what to delete by hand when it cannot.
add_action(
	'after_plugin_row_' . plugin_basename( __FILE__ ),
	static function ( $file ): void {
		$plugin = \TFSP\CalendlySync\Plugin::instance();
		( new \TFSP\CalendlySync\Uninstaller( $plugin->settings(), $plugin->settings_repository() ) )->render_plugin_row( $file );
	}
);

// The requirement gate.  Without the calsync extension (or with one older than
// Plugin::EXTENSION_MIN) wp-admin says why, and the plugin serves every read
// from the core's answers stored with each row, while what needs a core
// decision refuses (see Plugin::boot()).  After an upgrade of the plugin whose
// migration has not run yet, the stored rows are not this version's: then
// only the notice, the account events and the webhook's 503 are wired.
if ( ! \TFSP\CalendlySync\Plugin::requirements_met() ) {
	\TFSP\CalendlySync\Admin\RequirementNotice::register();
	if ( ! \TFSP\CalendlySync\Plugin::instance()->schema_current() ) {
		\TFSP\CalendlySync\Plugin::instance()->wire_user_events(); // Deleted users are released; matches are owed until the extension is back.
		add_action(
			'rest_api_init',
			static function (): void {
				( new \TFSP\CalendlySync\Rest\UnavailableController() )->register_routes();
				( new \TFSP\CalendlySync\Rest\PingController() )->register_routes();
			}
		);
		return;
	}
}

\TFSP\CalendlySync\Plugin::instance()->boot();
