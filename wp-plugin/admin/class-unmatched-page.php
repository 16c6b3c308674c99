<?php
/**
 * The Unmatched bookings page (admins): bookings whose e-mail matches no student, the core's
 * suggestions with their reasons, and linking a booking to a user, optionally remembering the
 * e-mail as that user's alias (which re-attributes every session with that e-mail, audited).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SessionListRepository;
use TFSP\CalendlySync\UserRepository;

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
		echo '</div>';
	}

	/** admin-post.php: links one booking (or, with the alias, every booking of its e-mail) to a user. */
	public function handle_link(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the Calendly sync.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		$id = isset( $_POST['session'] ) ? absint( $_POST['session'] ) : 0;
		check_admin_referer( self::ACTION . '_' . $id );
		global $wpdb;
		$repository = new SessionListRepository( $wpdb );
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
		$alias = ! empty( $_POST['alias'] );
		$email = null;
		if ( $alias ) {
			try {
				$email = \Calsync\Email::normalize( (string) $session['invitee_email'] );
			} catch ( \Calsync\Exception $e ) {
				Notices::add( 'error', __( 'The booking\'s e-mail is not an address; it cannot become an alias.', 'tfsp-calendly-sync' ) );
				Notices::redirect( self::SLUG );
			}
			$known = array_map( 'strtolower', (array) get_user_meta( $user->ID, UserRepository::ALIAS_META ) );
			if ( strtolower( $user->user_email ) !== $email && ! in_array( $email, $known, true ) ) {
				add_user_meta( $user->ID, UserRepository::ALIAS_META, $email );
			}
		}
		$reason = $alias ? 'linked by an admin; e-mail kept as an alias' : 'linked by an admin';
		try {
			$changed = $repository->attribute( $id, $email, (int) $user->ID, $this->plugin->audit(), get_current_user_id(), $reason );
		} catch ( DatabaseError $e ) {
			Notices::add( 'error', __( 'The booking could not be linked because of a database error.', 'tfsp-calendly-sync' ) );
			Notices::redirect( self::SLUG );
		}
		$count = count( $changed );
		/* translators: 1: number of sessions, 2: user's name */
		Notices::add( 'success', sprintf( _n( '%1$d session linked to %2$s.', '%1$d sessions linked to %2$s.', $count, 'tfsp-calendly-sync' ), $count, $user->display_name ) );
		if ( $alias ) {
			/* translators: 1: e-mail, 2: user's name */
			Notices::add( 'info', sprintf( __( '%1$s is now an alias of %2$s: later bookings with it are linked at once.', 'tfsp-calendly-sync' ), (string) $email, $user->display_name ) );
		}
		Notices::redirect( self::SLUG );
	}
}
