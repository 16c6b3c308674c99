<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Sessions page's "Add session" form: a session held outside Calendly, entered by hand
 * (admin-post.php, nonce and capability checked; the setting "Coaches may enter sessions"
 * decides for coaches).  The date and times are the site's time zone; the handler gives them
 * to HandEntries as RFC 3339 with the site's offset, where the core parses and checks them.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SessionAccess;

defined( 'ABSPATH' ) || exit;

final class SessionEntryForm {

	public const ACTION = 'tfsp_calendly_add_session';

	/** The form's nonce field: not "_wpnonce", which the list's bulk form on the same page holds. */
	public const NONCE = '_tfsp_add_session_nonce';

	/** The form, for a user who may enter sessions; nothing for anyone else. */
	public static function render( Plugin $plugin ): void {
		$user = get_current_user_id();
		if ( ! $plugin->hand_entries()->may_enter( $user ) ) {
			return;
		}
		echo '<details class="tfsp-calendly-add-session" id="tfsp-calendly-add-session"><summary class="button">' . esc_html__( 'Add session', 'tfsp-calendly-sync' ) . '</summary>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '">';
		echo '<p class="description">' . esc_html__( 'A session held outside Calendly. It is labelled "entered by hand" everywhere, and Calendly never changes it.', 'tfsp-calendly-sync' ) . '</p>';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '">';
		wp_nonce_field( self::ACTION, self::NONCE );
		echo '<p><label>' . esc_html__( 'Student', 'tfsp-calendly-sync' ) . ' <input type="text" name="student" required size="26" placeholder="' . esc_attr__( 'e-mail, login or ID', 'tfsp-calendly-sync' ) . '"></label></p>';
		if ( SessionAccess::sees_all( $user ) ) {
			$coaches = SessionAccess::coach_choices();
			echo '<p><label>' . esc_html__( 'Coach', 'tfsp-calendly-sync' ) . ' <select name="coach_id">';
			foreach ( $coaches as $coach ) {
				echo '<option value="' . esc_attr( (string) $coach->ID ) . '"' . selected( $user, (int) $coach->ID, false ) . '>' . esc_html( $coach->display_name ) . '</option>';
			}
			echo '</select></label></p>';
		}
		echo '<p><label>' . esc_html__( 'Date', 'tfsp-calendly-sync' ) . ' <input type="date" name="date" required></label> ';
		echo '<label>' . esc_html__( 'From', 'tfsp-calendly-sync' ) . ' <input type="time" name="start_time" required></label> ';
		echo '<label>' . esc_html__( 'To', 'tfsp-calendly-sync' ) . ' <input type="time" name="end_time" required></label> ';
		/* translators: %s: the site's time zone */
		echo '<span class="description">' . esc_html( sprintf( __( 'Time zone: %s', 'tfsp-calendly-sync' ), wp_timezone_string() ) ) . '</span></p>';
		echo '<p><label>' . esc_html__( 'Note', 'tfsp-calendly-sync' ) . '<br><textarea name="note" rows="2" cols="50" maxlength="' . esc_attr( (string) \TFSP\CalendlySync\HandEntries::NOTE_MAX ) . '"></textarea></label></p>';
		submit_button( __( 'Add session', 'tfsp-calendly-sync' ), 'primary', 'submit', false );
		echo '</form></details>';
	}

	/** admin-post.php handler. */
	public static function handle( Plugin $plugin ): void {
		if ( ! current_user_can( Plugin::CAP_MARK_ATTENDANCE ) && ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to enter sessions.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::ACTION, self::NONCE );
		$missing = Plugin::core_missing();
		if ( null !== $missing ) {
			wp_die(
				esc_html( $missing->notice() ),
				'',
				array(
					'response'  => $missing->http_status(),
					'back_link' => true,
				)
			);
		}
		// phpcs:disable WordPress.Security.NonceVerification.Missing -- checked above.
		$field  = static fn( string $name ): string => isset( $_POST[ $name ] ) && is_string( $_POST[ $name ] ) ? trim( sanitize_text_field( wp_unslash( $_POST[ $name ] ) ) ) : '';
		$query  = $field( 'student' );
		$user   = '' === $query ? false : ( ctype_digit( $query ) ? get_user_by( 'id', (int) $query ) : ( get_user_by( 'email', $query ) ?: get_user_by( 'login', $query ) ) );
		$input  = array(
			'student_id' => $user ? (int) $user->ID : 0,
			'start'      => self::rfc3339( $field( 'date' ), $field( 'start_time' ) ),
			'end'        => self::rfc3339( $field( 'date' ), $field( 'end_time' ) ),
			// phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- HandEntries::clean_note() sanitises; kept as written, escaped on output (as the REST route keeps it).
			'note'       => isset( $_POST['note'] ) && is_string( $_POST['note'] ) ? (string) wp_unslash( $_POST['note'] ) : '',
		);
		$coach  = $field( 'coach_id' );
		// phpcs:enable
		if ( '' !== $coach ) {
			$input['coach_id'] = (int) $coach;
		}
		$result = $plugin->hand_entries()->create( get_current_user_id(), $input );
		if ( is_wp_error( $result ) ) {
			$data    = (array) $result->get_error_data();
			$message = isset( $data['params'] ) ? implode( ' ', (array) $data['params'] ) : $result->get_error_message();
			Notices::add( 'error', __( 'The session was not added:', 'tfsp-calendly-sync' ) . ' ' . $message );
			Notices::redirect( Menu::PARENT );
		}
		/* translators: %d: the new session's id */
		Notices::add( 'success', sprintf( __( 'Session #%d was added.', 'tfsp-calendly-sync' ), (int) $result ) );
		Notices::redirect( Menu::PARENT, array( 'session' => (int) $result ) );
	}

	/**
	 * A date and a time of the site's time zone as RFC 3339 with that zone's offset on that day;
	 * as typed (for the core to refuse, naming the field) when they are not a date and a time.
	 */
	private static function rfc3339( string $date, string $time ): string {
		$local = $date . 'T' . ( 5 === strlen( $time ) ? $time . ':00' : $time );
		if ( ! preg_match( '/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/', $local ) ) {
			return $local;
		}
		$at = \DateTimeImmutable::createFromFormat( 'Y-m-d\TH:i:s', $local, wp_timezone() );
		return false === $at ? $local : $at->format( 'Y-m-d\TH:i:sP' );
	}
}
