<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * [tfsp_book_session]: the program's Calendly scheduling link with the logged-in student's name
 * and e-mail prefilled (Calendly's URL parameters name, email, first_name, last_name), so that the
 * booking matches its student from the start.
 *
 * @package TFSP\CalendlySync\Public
 */

namespace TFSP\CalendlySync\Public;

use TFSP\CalendlySync\Settings;

defined( 'ABSPATH' ) || exit;

final class BookingShortcode {

	public const TAG = 'tfsp_book_session';

	private Settings $settings;

	public function __construct( Settings $settings ) {
		$this->settings = $settings;
	}

	public function register(): void {
		add_shortcode( self::TAG, array( $this, 'render' ) );
	}

	/**
	 * The shortcode's output.
	 *
	 * @param array|string $atts label: the link's text.
	 */
	public function render( $atts = array() ): string {
		$atts = shortcode_atts( array( 'label' => __( 'Book a coaching session', 'tfsp-calendly-sync' ) ), is_array( $atts ) ? $atts : array(), self::TAG );
		if ( ! is_user_logged_in() ) {
			$uri = isset( $_SERVER['REQUEST_URI'] ) ? esc_url_raw( wp_unslash( $_SERVER['REQUEST_URI'] ) ) : '/';
			return '<div class="tfsp-book-session"><p>' . sprintf(
				/* translators: %s: "log in" link */
				esc_html__( 'Please %s to book a coaching session.', 'tfsp-calendly-sync' ),
				'<a href="' . esc_url( wp_login_url( home_url( $uri ) ) ) . '">' . esc_html__( 'log in', 'tfsp-calendly-sync' ) . '</a>'
			) . '</p></div>';
		}
		try {
			$base = (string) $this->settings->get( 'scheduling_url' );
		} catch ( \Throwable $e ) {
			$base = '';
		}
		if ( '' === $base ) {
			return '<div class="tfsp-book-session"><p>' . esc_html__( 'Booking is not open yet. Please check back later.', 'tfsp-calendly-sync' ) . '</p></div>';
		}
		$url = self::prefilled( $base, wp_get_current_user() );
		return '<div class="tfsp-book-session"><p><a class="wp-element-button tfsp-book-session-link" href="' . esc_url( $url ) . '" target="_blank" rel="noopener">'
			. esc_html( (string) $atts['label'] ) . '<span class="screen-reader-text"> ' . esc_html__( '(opens Calendly in a new tab)', 'tfsp-calendly-sync' ) . '</span></a></p></div>';
	}

	/** The scheduling link with the user's name and e-mail as Calendly's prefill parameters. */
	public static function prefilled( string $base, \WP_User $user ): string {
		$first = trim( (string) $user->first_name );
		$last  = trim( (string) $user->last_name );
		$name  = trim( $first . ' ' . $last );
		if ( '' === $name ) {
			$name = trim( (string) $user->display_name );
		}
		$args = array( 'email' => rawurlencode( (string) $user->user_email ) );
		if ( '' !== $name ) {
			$args['name'] = rawurlencode( $name );
		}
		if ( '' !== $first && '' !== $last ) {
			$args['first_name'] = rawurlencode( $first );
			$args['last_name']  = rawurlencode( $last );
		}
		return add_query_arg( $args, $base );
	}
}
