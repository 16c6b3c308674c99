<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The "Time zone" field of a user's profile (Users → Profile, and an admin's Edit User): the zone
 * the student's portal and mails show times in, from WordPress's own time zone choices, or
 * "Automatic" (their latest Calendly booking's zone, else the site's).  Saved like WordPress's
 * own profile fields: on personal_options_update / edit_user_profile_update, with the profile
 * form's nonce (update-user_{id}) and the edit_user capability checked; a value that is no time
 * zone is refused with an error naming the field, and nothing is saved.
 *
 * @package TFSP\CalendlySync\Admin
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\ReaderTimeZone;

defined( 'ABSPATH' ) || exit;

final class ProfileTimeZone {

	/** The form field's name. */
	public const FIELD = 'tfsp_calendly_timezone';

	public function register(): void {
		add_action( 'show_user_profile', array( $this, 'render' ) );
		add_action( 'edit_user_profile', array( $this, 'render' ) );
		add_action( 'personal_options_update', array( $this, 'save' ) );
		add_action( 'edit_user_profile_update', array( $this, 'save' ) );
		add_action( 'user_profile_update_errors', array( $this, 'errors' ), 10, 3 );
	}

	/** @param \WP_User $user The profile's user. */
	public function render( $user ): void {
		if ( ! $user instanceof \WP_User || ! current_user_can( 'edit_user', $user->ID ) ) {
			return;
		}
		$chosen = ReaderTimeZone::chosen( (int) $user->ID );
		echo '<h2>' . esc_html__( 'Coaching sessions', 'tfsp-calendly-sync' ) . '</h2><table class="form-table" role="presentation"><tr><th scope="row"><label for="' . esc_attr( self::FIELD ) . '">' . esc_html__( 'Time zone', 'tfsp-calendly-sync' ) . '</label></th><td>';
		echo '<select id="' . esc_attr( self::FIELD ) . '" name="' . esc_attr( self::FIELD ) . '" aria-describedby="' . esc_attr( self::FIELD ) . '-description">';
		echo '<option value=""' . selected( $chosen, '', false ) . '>' . esc_html__( 'Automatic', 'tfsp-calendly-sync' ) . '</option>';
		// WordPress's own choices (they are escaped there); a value that matches none selects none.
		echo wp_timezone_choice( '' === $chosen ? 'automatic' : $chosen, get_user_locale() ); // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		echo '</select><p class="description" id="' . esc_attr( self::FIELD ) . '-description">' . esc_html(
			sprintf(
				/* translators: %s: the site's time zone */
				__( 'The times of coaching sessions in the portal and in e-mails are shown in this time zone. Automatic: the time zone of the latest booking in Calendly, else the site\'s (%s).', 'tfsp-calendly-sync' ),
				Clock::zone_name( wp_timezone() )
			)
		) . '</p></td></tr></table>';
	}

	/**
	 * The submitted value: null when the form did not send the field, '' for Automatic, else
	 * the zone as chosen (checked by valid()).
	 */
	private static function submitted(): ?string {
		// phpcs:ignore WordPress.Security.NonceVerification.Missing -- checked by save() and by user-edit.php before errors().
		return isset( $_POST[ self::FIELD ] ) && is_string( $_POST[ self::FIELD ] ) ? sanitize_text_field( wp_unslash( $_POST[ self::FIELD ] ) ) : null;
	}

	private static function valid( string $value ): bool {
		return '' === $value || null !== ReaderTimeZone::parse( $value );
	}

	/** @param int $user_id The profile's user. */
	public function save( $user_id ): void {
		$user_id = (int) $user_id;
		if ( ! current_user_can( 'edit_user', $user_id ) ) {
			return;
		}
		check_admin_referer( 'update-user_' . $user_id );
		$value = self::submitted();
		if ( null === $value || ! self::valid( $value ) ) {
			return; // Nothing sent, or refused by errors().
		}
		if ( '' === $value ) {
			delete_user_meta( $user_id, ReaderTimeZone::META );
		} else {
			update_user_meta( $user_id, ReaderTimeZone::META, $value );
		}
	}

	/**
	 * user_profile_update_errors: a value that is none of the choices is refused, the field named.
	 *
	 * @param \WP_Error $errors The profile form's errors.
	 */
	public function errors( $errors, $update = false, $user = null ): void {
		unset( $update, $user );
		$value = self::submitted();
		if ( null !== $value && ! self::valid( $value ) && $errors instanceof \WP_Error ) {
			$errors->add( self::FIELD, __( '<strong>Error:</strong> Time zone: please choose a time zone from the list.', 'tfsp-calendly-sync' ), array( 'form-field' => self::FIELD ) );
		}
	}
}
