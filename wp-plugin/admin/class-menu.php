<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The admin's entry point: the "Coaching sessions" menu and its pages, their form handlers
 * (admin-post.php actions and list-table bulk actions), their assets, and the admin REST routes.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\Rest\SessionsController;

defined( 'ABSPATH' ) || exit;

final class Menu {

	public const PARENT = 'tfsp-calendly';

	private Plugin $plugin;

	private ?SessionsPage $sessions   = null;
	private ?SettingsPage $settings   = null;
	private ?SyncPage $sync           = null;
	private ?UnmatchedPage $unmatched = null;
	private ?TermsPage $terms         = null;
	private ?ReportsPage $reports     = null;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	public function register(): void {
		add_action(
			'rest_api_init',
			function (): void {
				( new SessionsController( $this->plugin ) )->register_routes();
			}
		);
		if ( ! is_admin() ) {
			return;
		}
		add_action( 'admin_menu', array( $this, 'add_pages' ) );
		add_action( 'admin_init', array( $this, 'register_settings_ui' ) );
		add_action( 'admin_enqueue_scripts', array( $this, 'enqueue' ) );
		add_filter( 'set-screen-option', array( self::class, 'save_screen_option' ), 10, 3 );
		add_filter( 'set_screen_option_tfsp_calendly_per_page', array( self::class, 'save_screen_option' ), 10, 3 );
		foreach ( SettingsPage::ACTIONS as $action ) {
			add_action( 'admin_post_' . $action, fn() => $this->settings()->handle( $action ) );
		}
		add_action( 'admin_post_' . UnmatchedPage::ACTION, fn() => $this->unmatched()->handle_link() );
		add_action( 'admin_post_' . SessionEntryForm::ACTION, fn() => SessionEntryForm::handle( $this->plugin ) );
		foreach ( SyncPage::ACTIONS as $action ) {
			add_action( 'admin_post_' . $action, fn() => $this->sync()->handle( $action ) );
		}
		foreach ( TermsPage::ACTIONS as $action ) {
			add_action( 'admin_post_' . $action, fn() => $this->terms()->handle( $action ) );
		}
		add_action( 'admin_post_' . ReportsPage::EXPORT_ACTION, fn() => $this->reports()->export() );
		( new OauthConnect( $this->plugin ) )->register();
	}

	public function add_pages(): void {
		$sessions = add_menu_page(
			__( 'Coaching sessions', 'tfsp-calendly-sync' ),
			__( 'Coaching sessions', 'tfsp-calendly-sync' ),
			Plugin::CAP_MARK_ATTENDANCE,
			self::PARENT,
			fn() => $this->sessions()->render(),
			'dashicons-calendar-alt',
			26
		);
		add_submenu_page( self::PARENT, __( 'Sessions', 'tfsp-calendly-sync' ), __( 'Sessions', 'tfsp-calendly-sync' ), Plugin::CAP_MARK_ATTENDANCE, self::PARENT ); // Same page as the top level: rendered once, by it.
		$unmatched = add_submenu_page( self::PARENT, __( 'Unmatched bookings', 'tfsp-calendly-sync' ), __( 'Unmatched bookings', 'tfsp-calendly-sync' ), Plugin::CAP_MANAGE, UnmatchedPage::SLUG, fn() => $this->unmatched()->render() );
		$sync      = add_submenu_page( self::PARENT, __( 'Calendly sync', 'tfsp-calendly-sync' ), __( 'Sync', 'tfsp-calendly-sync' ), Plugin::CAP_MANAGE, SyncPage::SLUG, fn() => $this->sync()->render() );
		add_submenu_page( self::PARENT, __( 'Calendly settings', 'tfsp-calendly-sync' ), __( 'Settings', 'tfsp-calendly-sync' ), Plugin::CAP_MANAGE, SettingsPage::SLUG, fn() => $this->settings()->render() );
		add_submenu_page( self::PARENT, __( 'Terms & cohorts', 'tfsp-calendly-sync' ), __( 'Terms & cohorts', 'tfsp-calendly-sync' ), Plugin::CAP_MANAGE, TermsPage::SLUG, fn() => $this->terms()->render() );
		// Administrators (manage) and lead coaches (mark any session): the program's figures, every coach's.
		add_submenu_page( self::PARENT, __( 'Reports', 'tfsp-calendly-sync' ), __( 'Reports', 'tfsp-calendly-sync' ), ReportsPage::capability(), ReportsPage::SLUG, fn() => $this->reports()->render() );

		// List tables read their screen options and take their bulk actions before any output.
		add_action( 'load-' . $sessions, fn() => $this->sessions()->load() );
		add_action( 'load-' . $sync, fn() => $this->sync()->load() );
		add_action( 'load-' . $unmatched, fn() => $this->unmatched()->load() );
	}

	public function register_settings_ui(): void {
		if ( isset( $_GET['page'] ) && SettingsPage::SLUG === $_GET['page'] ) { // phpcs:ignore WordPress.Security.NonceVerification.Recommended -- only decides what to render.
			$this->settings()->register_fields();
		}
	}

	/** @param string $hook The admin page's hook suffix. */
	public function enqueue( $hook ): void {
		$page = isset( $_GET['page'] ) ? sanitize_key( wp_unslash( $_GET['page'] ) ) : ''; // phpcs:ignore WordPress.Security.NonceVerification.Recommended
		if ( ! in_array( $page, array( self::PARENT, UnmatchedPage::SLUG, SyncPage::SLUG, SettingsPage::SLUG, TermsPage::SLUG, ReportsPage::SLUG ), true ) ) {
			return;
		}
		$url = plugins_url( 'admin/assets/', TFSP_CALENDLY_SYNC_FILE );
		wp_enqueue_style( 'tfsp-calendly-admin', $url . 'admin.css', array(), TFSP_CALENDLY_SYNC_VERSION );
		if ( self::PARENT === $page ) {
			wp_enqueue_script( 'tfsp-calendly-sessions', $url . 'sessions.js', array( 'wp-api-fetch', 'wp-i18n' ), TFSP_CALENDLY_SYNC_VERSION, true );
			wp_set_script_translations( 'tfsp-calendly-sessions', 'tfsp-calendly-sync' );
		}
		if ( SyncPage::SLUG === $page ) {
			wp_enqueue_script( 'tfsp-calendly-sync', $url . 'sync.js', array( 'wp-api-fetch', 'wp-i18n' ), TFSP_CALENDLY_SYNC_VERSION, true );
			wp_set_script_translations( 'tfsp-calendly-sync', 'tfsp-calendly-sync' );
		}
		unset( $hook );
	}

	/**
	 * Keeps the "items per page" screen option.
	 *
	 * @param mixed  $status Default.
	 * @param string $option Option name.
	 * @param mixed  $value  Submitted value.
	 * @return mixed
	 */
	public static function save_screen_option( $status, $option, $value ) {
		if ( 'tfsp_calendly_per_page' === $option ) {
			return max( 1, min( 200, (int) $value ) );
		}
		return $status;
	}

	private function reports(): ReportsPage {
		return $this->reports ??= new ReportsPage( $this->plugin->reports() );
	}

	private function terms(): TermsPage {
		return $this->terms ??= new TermsPage( $this->plugin->terms() );
	}

	private function sessions(): SessionsPage {
		return $this->sessions ??= new SessionsPage( $this->plugin );
	}

	private function settings(): SettingsPage {
		return $this->settings ??= new SettingsPage( $this->plugin );
	}

	private function sync(): SyncPage {
		return $this->sync ??= new SyncPage( $this->plugin );
	}

	private function unmatched(): UnmatchedPage {
		return $this->unmatched ??= new UnmatchedPage( $this->plugin );
	}
}
