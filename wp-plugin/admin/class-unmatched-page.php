<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Unmatched bookings page (admins): bookings whose e-mail matches no student, the core's
 * suggestions with their reasons, and linking a booking to a user, optionally remembering the
 * e-mail as that user's alias (which also links every *unmatched* session with that e-mail,
 * audited; never one already linked to someone), through StudentLinks.  Addresses that two
 * users already hold are listed, for the admin to resolve; none is removed automatically.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SessionListRepository;

defined( 'ABSPATH' ) || exit;

final class UnmatchedPage {

	public const SLUG   = 'tfsp-calendly-unmatched';
	public const ACTION = 'tfsp_calendly_link';

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	public function load(): void {
		add_screen_option(
			'per_page',
			array(
				'default' => 20,
				'option'  => 'tfsp_calendly_per_page',
			)
		);
	}

	public function render(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the Calendly sync.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		$table = new UnmatchedListTable( $this->plugin );
		$error = $table->prepare_items();
		echo '<div class="wrap tfsp-calendly"><h1>' . esc_html__( 'Unmatched bookings', 'tfsp-calendly-sync' ) . '</h1>';
		Notices::render();
		if ( null !== $error ) {
			echo '<div class="notice notice-error"><p>' . esc_html( $error ) . '</p></div>';
		}
		echo '<p>' . esc_html__( 'Bookings whose e-mail matches no user and no known alias. The suggestions are only suggestions: nothing is linked until you link it.', 'tfsp-calendly-sync' ) . '</p>';
		echo '<form method="get" action="' . esc_url( admin_url( 'admin.php' ) ) . '"><input type="hidden" name="page" value="' . esc_attr( self::SLUG ) . '">';
		$table->search_box( __( 'Search bookings', 'tfsp-calendly-sync' ), 'tfsp-unmatched' );
		echo '</form>';
		$table->display();
		$this->render_contested();
		echo '</div>';
	}

	/** Aliases that two users already hold: bookings with them stay unmatched until resolved. */
	private function render_contested(): void {
		try {
			$contested = $this->plugin->session_list()->contested_aliases();
		} catch ( DatabaseError $e ) {
			echo '<div class="notice notice-error"><p>' . esc_html__( 'The aliases could not be read because of a database error.', 'tfsp-calendly-sync' ) . '</p></div>';
			return;
		}
		if ( ! $contested ) {
			return;
		}
		echo '<h2>' . esc_html__( 'E-mails held by several users', 'tfsp-calendly-sync' ) . '</h2>';
		echo '<p>' . esc_html__( 'Each of these addresses is the e-mail or a remembered alias of more than one user, so bookings with it are linked to nobody. Remove the alias from the users it does not belong to (user meta tfsp_calendly_email_alias).', 'tfsp-calendly-sync' ) . '</p>';
		echo '<table class="widefat striped tfsp-calendly-contested"><thead><tr><th>' . esc_html__( 'E-mail', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'Users', 'tfsp-calendly-sync' ) . '</th></tr></thead><tbody>';
		foreach ( $contested as $row ) {
			$names = array();
			foreach ( $row['user_ids'] as $user_id ) {
				$user    = get_userdata( $user_id );
				$names[] = '<a href="' . esc_url( get_edit_user_link( $user_id ) ) . '">' . esc_html( $user ? $user->display_name . ' <' . $user->user_email . '>' : '#' . $user_id ) . '</a>';
			}
			echo '<tr><td>' . esc_html( $row['email'] ) . '</td><td>' . implode( ', ', $names ) . '</td></tr>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- each name escaped above.
		}
		echo '</tbody></table>';
	}

	/** admin-post.php: links one booking (or, with the alias, every booking of its e-mail) to a user. */
	public function handle_link(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the Calendly sync.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		$id = isset( $_POST['session'] ) ? absint( $_POST['session'] ) : 0;
		check_admin_referer( self::ACTION . '_' . $id );
		Notices::refuse_without_core( self::SLUG );
		$repository = $this->plugin->session_list();
		try {
			$session = $repository->find( $id );
		} catch ( DatabaseError $e ) {
			$session = null;
		}
		if ( null === $session ) {
			Notices::add( 'error', __( 'There is no such booking.', 'tfsp-calendly-sync' ) );
			Notices::redirect( self::SLUG );
		}
		$choice = isset( $_POST['user'] ) ? sanitize_text_field( wp_unslash( $_POST['user'] ) ) : '';
		$other  = isset( $_POST['user_other'] ) ? trim( sanitize_text_field( wp_unslash( $_POST['user_other'] ) ) ) : '';
		$query  = '' !== $other ? $other : $choice;
		$user   = '' === $query ? false : ( ctype_digit( $query ) ? get_user_by( 'id', (int) $query ) : ( get_user_by( 'email', $query ) ?: get_user_by( 'login', $query ) ) );
		if ( ! $user ) {
			Notices::add( 'error', __( 'Choose a suggested user or name one by e-mail, login or ID.', 'tfsp-calendly-sync' ) );
			Notices::redirect( self::SLUG );
		}
		$alias  = ! empty( $_POST['alias'] );
		$result = $this->plugin->student_links()->link( $id, (int) $user->ID, $alias, get_current_user_id() );
		if ( is_wp_error( $result ) ) {
			$data    = (array) $result->get_error_data();
			$message = isset( $data['params'] ) ? implode( ' ', (array) $data['params'] ) : $result->get_error_message();
			Notices::add( 'error', $message );
			Notices::redirect( self::SLUG );
		}
		$count = count( $result['reattributed_ids'] );
		/* translators: 1: number of sessions, 2: user's name */
		Notices::add( 'success', sprintf( _n( '%1$d session linked to %2$s.', '%1$d sessions linked to %2$s.', $count, 'tfsp-calendly-sync' ), $count, $user->display_name ) );
		if ( null !== $result['alias'] ) {
			/* translators: 1: e-mail, 2: user's name */
			Notices::add( 'info', sprintf( __( '%1$s is an alias of %2$s: later bookings with it are linked at once.', 'tfsp-calendly-sync' ), (string) $result['alias'], $user->display_name ) );
		}
		Notices::redirect( self::SLUG );
	}
}
