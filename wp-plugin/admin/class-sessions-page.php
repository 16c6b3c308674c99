<?php
/**
 * The Sessions page (coaches and admins): filters, search, the list, bulk marks with a note.
 *
 * Bulk marks post to the page itself and are taken in its load hook (before
 * any output), with the list table's nonce and the mark capability; single
 * marks go through the REST route POST tfsp-calendly/v1/sessions/{id}/mark.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\Rest\SessionsController;

defined( 'ABSPATH' ) || exit;

final class SessionsPage {

	private Plugin $plugin;

	private ?SessionsListTable $table = null;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	/** The page's load hook: screen options, then bulk marks. */
	public function load(): void {
		add_screen_option(
			'per_page',
			array(
				'default' => 20,
				'option'  => 'tfsp_calendly_per_page',
			)
		);
		$table  = $this->table();
		$action = $table->current_action();
		if ( ! $action || ! isset( SessionsListTable::BULK_MARKS[ $action ] ) || 'POST' !== ( $_SERVER['REQUEST_METHOD'] ?? '' ) ) {
			return;
		}
		check_admin_referer( 'bulk-' . SessionsListTable::PLURAL );
		if ( ! current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to mark attendance.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		$ids  = array_filter( array_map( 'absint', (array) ( $_POST['session'] ?? array() ) ) );
		$note = SessionsController::clean_note( isset( $_POST['tfsp_note'] ) && is_string( $_POST['tfsp_note'] ) ? wp_unslash( $_POST['tfsp_note'] ) : '' ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- clean_note() sanitises; kept as text, escaped on output.
		$mark = SessionsListTable::BULK_MARKS[ $action ];
		$done = 0;
		$fail = array();
		foreach ( $ids as $id ) {
			$result = SessionsController::mark( $this->plugin, (int) $id, $mark, $note, get_current_user_id() );
			if ( is_wp_error( $result ) ) {
				/* translators: 1: session id, 2: error */
				$fail[] = sprintf( __( 'Session #%1$d: %2$s', 'tfsp-calendly-sync' ), $id, $result->get_error_message() );
			} else {
				++$done;
			}
		}
		if ( ! $ids ) {
			Notices::add( 'warning', __( 'Select the sessions to mark first.', 'tfsp-calendly-sync' ) );
		}
		if ( $done ) {
			/* translators: %d: number of sessions */
			Notices::add( 'success', sprintf( _n( '%d session marked.', '%d sessions marked.', $done, 'tfsp-calendly-sync' ), $done ) );
		}
		foreach ( $fail as $message ) {
			Notices::add( 'error', $message );
		}
		$back = wp_get_referer();
		wp_safe_redirect( $back ? $back : admin_url( 'admin.php?page=' . Menu::PARENT ) );
		exit;
	}

	public function render(): void {
		if ( ! current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to see the coaching sessions.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		$table = $this->table();
		$error = $table->prepare_items();
		echo '<div class="wrap tfsp-calendly">';
		echo '<h1 class="wp-heading-inline">' . esc_html__( 'Coaching sessions', 'tfsp-calendly-sync' ) . '</h1>';
		echo '<hr class="wp-header-end">';
		Notices::render();
		if ( null !== $error ) {
			echo '<div class="notice notice-error"><p>' . esc_html( $error ) . '</p></div>';
		}
		echo '<div id="tfsp-calendly-live" class="tfsp-calendly-live" role="status" aria-live="polite"></div>';
		$table->views();
		$table->render_filters();
		echo '<form method="post" id="tfsp-calendly-sessions-form" action="' . esc_url( $table->current_url() ) . '">';
		$table->display();
		echo '</form></div>';
	}

	private function table(): SessionsListTable {
		return $this->table ??= new SessionsListTable( $this->plugin );
	}
}
