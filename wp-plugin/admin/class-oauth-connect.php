<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The admin-post.php handlers of "Connect with Calendly": start (a POST from the settings page,
 * nonce and capability: stores a state and sends the browser to Calendly's authorize page),
 * the callback Calendly redirects back to (admin-post.php?action=tfsp_calendly_oauth: a REST
 * route cannot be it, WordPress treats a request without a REST nonce as logged out), and
 * disconnect (nonce and capability).
 *
 * The callback is authenticated by the state, which is bound to the
 * admin's session token; a refused state is an error page (400) and
 * nothing is stored.  Without the extension each answers 503.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Oauth;
use TFSP\CalendlySync\Plugin;

defined( 'ABSPATH' ) || exit;

final class OauthConnect {

	public const START      = 'tfsp_calendly_oauth_start';
	public const CALLBACK   = Oauth::CALLBACK_ACTION;
	public const DISCONNECT = 'tfsp_calendly_oauth_disconnect';

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	public function register(): void {
		add_action( 'admin_post_' . self::START, array( $this, 'start' ) );
		add_action( 'admin_post_' . self::CALLBACK, array( $this, 'callback' ) );
		add_action( 'admin_post_' . self::DISCONNECT, array( $this, 'disconnect' ) );
	}

	/** POST: a new state, then the browser goes to Calendly. */
	public function start(): void {
		$this->require_manage();
		check_admin_referer( self::START );
		$this->require_core();
		$url = $this->plugin->oauth()->begin( get_current_user_id(), wp_get_session_token() );
		if ( is_wp_error( $url ) ) {
			Notices::add( 'error', $url->get_error_message() );
			Notices::redirect( SettingsPage::SLUG );
		}
		// Calendly's host, not this site's: wp_safe_redirect() would refuse it.
		wp_redirect( $url ); // phpcs:ignore WordPress.Security.SafeRedirect.wp_redirect_wp_redirect -- the configured auth base.
		exit;
	}

	/** GET from Calendly: state, then the code exchanged server-side. */
	public function callback(): void {
		$this->require_manage();
		$this->require_core();
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- the OAuth state is this request's nonce (checked by Oauth::complete()).
		$state = isset( $_GET['state'] ) && is_string( $_GET['state'] ) ? sanitize_text_field( wp_unslash( $_GET['state'] ) ) : null;
		$code  = isset( $_GET['code'] ) && is_string( $_GET['code'] ) ? sanitize_text_field( wp_unslash( $_GET['code'] ) ) : null;
		$error = isset( $_GET['error'] ) && is_string( $_GET['error'] ) ? sanitize_key( wp_unslash( $_GET['error'] ) ) : null;
		// phpcs:enable WordPress.Security.NonceVerification.Recommended
		$done = $this->plugin->oauth()->complete( $state, $code, $error, get_current_user_id(), wp_get_session_token() );
		if ( is_wp_error( $done ) ) {
			$this->error_page( $done );
		}
		$me = $this->plugin->connection()->connect( null ); // Who connected: /users/me with the new token.
		$this->record_test( $me );
		if ( is_wp_error( $me ) ) {
			/* translators: %s: error */
			Notices::add( 'warning', sprintf( __( 'Connected with Calendly, but the connection test failed: %s', 'tfsp-calendly-sync' ), $me->get_error_message() ) );
		} else {
			/* translators: %s: Calendly user's name */
			Notices::add( 'success', sprintf( __( 'Connected with Calendly as %s (OAuth). The plugin now uses this connection instead of the personal access token.', 'tfsp-calendly-sync' ), (string) $me['name'] ) );
		}
		Notices::redirect( SettingsPage::SLUG );
	}

	/** POST: delete the subscription, revoke, forget. */
	public function disconnect(): void {
		$this->require_manage();
		check_admin_referer( self::DISCONNECT );
		$this->require_core();
		$done = $this->plugin->connection()->disconnect_oauth();
		if ( is_wp_error( $done ) ) {
			/* translators: %s: error */
			Notices::add( 'error', sprintf( __( 'Calendly could not be disconnected: %s Nothing was removed here; try again.', 'tfsp-calendly-sync' ), $done->get_error_message() ) );
		} else {
			Notices::add( 'success', __( 'Disconnected from Calendly: this site\'s webhook subscription was deleted and the OAuth token revoked. The personal access token, if one is stored, is used again; register the webhook again to receive bookings.', 'tfsp-calendly-sync' ) );
			foreach ( $done['warnings'] as $warning ) {
				Notices::add( 'warning', $warning );
			}
		}
		Notices::redirect( SettingsPage::SLUG );
	}

	/** @param array<string,string>|\WP_Error $me */
	private function record_test( $me ): void {
		$record = array( 'at' => time() ) + ( is_wp_error( $me ) ? array(
			'ok'    => false,
			'error' => $me->get_error_message(),
		) : array( 'ok' => true ) + $me );
		$this->plugin->settings_repository()->put( '_connection_test', (string) wp_json_encode( $record ) );
	}

	private function error_page( \WP_Error $error ): void {
		$status = (int) ( $error->get_error_data()['status'] ?? 400 );
		$back   = admin_url( 'admin.php?page=' . SettingsPage::SLUG );
		wp_die(
			'<h1>' . esc_html__( 'Calendly was not connected', 'tfsp-calendly-sync' ) . '</h1><p class="tfsp-calendly-oauth-error" data-code="' . esc_attr( (string) $error->get_error_code() ) . '">' . esc_html( $error->get_error_message() ) . '</p><p><a href="' . esc_url( $back ) . '">' . esc_html__( 'Back to the Calendly settings', 'tfsp-calendly-sync' ) . '</a></p>',
			esc_html__( 'Calendly was not connected', 'tfsp-calendly-sync' ),
			array( 'response' => $status >= 400 ? $status : 400 )
		);
	}

	private function require_manage(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the Calendly sync.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
	}

	/** Connecting needs the core (sealing, the auth-base client): 503 without it. */
	private function require_core(): void {
		$missing = Plugin::core_missing();
		if ( null !== $missing ) {
			header( 'Retry-After: 3600' );
			wp_die( esc_html( $missing->notice() ), esc_html__( 'Calendly was not connected', 'tfsp-calendly-sync' ), array( 'response' => 503 ) );
		}
	}
}
