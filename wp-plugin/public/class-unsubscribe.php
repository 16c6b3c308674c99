<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Unsubscribe from a kind of student mail without logging in.
 *
 * The link is a front-end endpoint on the home URL (?tfsp_calendly_unsubscribe=<user id>
 * &tfsp_kind=<kind>&tfsp_sig=<HMAC>), not a REST route: the same URL must answer a person's GET
 * with an HTML page and a mail client's RFC 8058 one-click POST, and a REST route answers JSON.
 * The signature is HMAC-SHA256 over the user id and the kind, keyed with wp_salt( 'auth' ), and
 * compared with hash_equals().  A GET only shows a confirmation button (mail scanners follow
 * links) and changes nothing; a POST with a valid signature (the button, or one-click with
 * List-Unsubscribe=One-Click) records the choice in user meta.  A link that does not verify
 * answers 403 and records nothing.  The signature is the POST's authorisation: no login, no nonce.
 *
 * @package TFSP\CalendlySync\Public
 */

namespace TFSP\CalendlySync\Public;

use TFSP\CalendlySync\Cron\StudentNudges;

defined( 'ABSPATH' ) || exit;

final class Unsubscribe {

	public const PARAM_USER = 'tfsp_calendly_unsubscribe';
	public const PARAM_KIND = 'tfsp_kind';
	public const PARAM_SIG  = 'tfsp_sig';

	public function register(): void {
		add_action( 'init', array( $this, 'handle' ), 1 );
	}

	/** The user meta that records the choice (the time, UTC, RFC 3339). */
	public static function meta_key( string $kind ): string {
		return 'tfsp_calendly_unsubscribed_' . $kind;
	}

	public static function signature( int $user_id, string $kind ): string {
		return hash_hmac( 'sha256', 'tfsp_calendly_unsubscribe|' . $user_id . '|' . $kind, wp_salt( 'auth' ) );
	}

	/** The signed link of one student and kind. */
	public static function url( int $user_id, string $kind ): string {
		return add_query_arg(
			array(
				self::PARAM_USER => $user_id,
				self::PARAM_KIND => $kind,
				self::PARAM_SIG  => self::signature( $user_id, $kind ),
			),
			home_url( '/' )
		);
	}

	/** Answers a request of the endpoint (and exits); any other request passes through. */
	public function handle(): void {
		// phpcs:disable WordPress.Security.NonceVerification.Recommended -- authorised by the HMAC, see the class comment.
		if ( ! isset( $_GET[ self::PARAM_USER ] ) ) {
			return;
		}
		$user = is_string( $_GET[ self::PARAM_USER ] ) ? sanitize_text_field( wp_unslash( $_GET[ self::PARAM_USER ] ) ) : '';
		$kind = isset( $_GET[ self::PARAM_KIND ] ) && is_string( $_GET[ self::PARAM_KIND ] ) ? sanitize_key( wp_unslash( $_GET[ self::PARAM_KIND ] ) ) : '';
		$sig  = isset( $_GET[ self::PARAM_SIG ] ) && is_string( $_GET[ self::PARAM_SIG ] ) ? sanitize_text_field( wp_unslash( $_GET[ self::PARAM_SIG ] ) ) : '';
		// phpcs:enable
		nocache_headers();
		header( 'X-Robots-Tag: noindex, nofollow' );
		$title   = __( 'E-mail preferences', 'tfsp-calendly-sync' );
		$user_id = ctype_digit( $user ) ? (int) $user : 0;
		if ( $user_id <= 0 || ! in_array( $kind, StudentNudges::KINDS, true ) || '' === $sig
			|| ! hash_equals( self::signature( $user_id, $kind ), $sig ) || ! get_userdata( $user_id ) ) {
			wp_die( esc_html__( 'This unsubscribe link is not valid. Please use the link of the e-mail as it was sent.', 'tfsp-calendly-sync' ), esc_html( $title ), array( 'response' => 403 ) );
		}
		$what = self::description( $kind );
		$post = isset( $_SERVER['REQUEST_METHOD'] ) && 'POST' === strtoupper( sanitize_text_field( wp_unslash( $_SERVER['REQUEST_METHOD'] ) ) );
		if ( $post ) {
			update_user_meta( $user_id, self::meta_key( $kind ), gmdate( 'Y-m-d\TH:i:s\Z' ) );
			/* translators: %s: what the student no longer receives */
			wp_die( '<p>' . esc_html( sprintf( __( 'Done: you will no longer receive %s.', 'tfsp-calendly-sync' ), $what ) ) . '</p>', esc_html( $title ), array( 'response' => 200 ) );
		}
		/* translators: %s: what the student would no longer receive */
		$message = '<p>' . esc_html( sprintf( __( 'Stop receiving %s?', 'tfsp-calendly-sync' ), $what ) ) . '</p>'
			. '<form method="post" action="' . esc_url( self::url( $user_id, $kind ) ) . '">'
			. '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
			. '<p><button type="submit" class="button">' . esc_html__( 'Unsubscribe', 'tfsp-calendly-sync' ) . '</button></p></form>';
		wp_die( $message, esc_html( $title ), array( 'response' => 200 ) ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- built from escaped parts above.
	}

	private static function description( string $kind ): string {
		return StudentNudges::BOOK_NEXT === $kind
			? __( 'e-mails that remind you to book your next coaching session', 'tfsp-calendly-sync' )
			: __( 'e-mails about your coaching progress', 'tfsp-calendly-sync' );
	}
}
