<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The bulk marks of the Sessions page: the actions and their note field, and taking them.
 *
 * A bulk mark posts to the page itself and is taken in its load hook (before any output), with
 * the list table's nonce and the mark capability; each session goes through the same mark as
 * the REST route, so a bulk mark and a single one cannot differ.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\Rest\SessionsController;

defined( 'ABSPATH' ) || exit;

final class SessionsBulkMarks {

	/** Bulk action => mark. */
	public const MARKS = array(
		'mark_attended'    => 'attended',
		'mark_no_show'     => 'no_show',
		'mark_rescheduled' => 'rescheduled',
		'mark_none'        => 'none',
	);

	/** Labels of the bulk actions (WP_List_Table::get_bulk_actions()). */
	public static function actions(): array {
		return array(
			'mark_attended'    => __( 'Mark attended', 'tfsp-calendly-sync' ),
			'mark_no_show'     => __( 'Mark no-show', 'tfsp-calendly-sync' ),
			'mark_rescheduled' => __( 'Mark rescheduled', 'tfsp-calendly-sync' ),
			'mark_none'        => __( 'Clear the mark', 'tfsp-calendly-sync' ),
		);
	}

	/** The note that goes with a bulk mark, above the list. */
	public static function render_note_field(): void {
		echo '<div class="alignleft actions"><label for="tfsp-bulk-note" class="screen-reader-text">' . esc_html__( 'Note for the bulk mark', 'tfsp-calendly-sync' ) . '</label>';
		echo '<input type="text" id="tfsp-bulk-note" name="tfsp_note" maxlength="1000" placeholder="' . esc_attr__( 'Note for the bulk mark (optional)', 'tfsp-calendly-sync' ) . '"></div>';
	}

	/**
	 * Takes a posted bulk mark, if this request is one: checks the nonce and the capability,
	 * marks each selected session, queues the notices and redirects back (and exits).
	 *
	 * @param string|false $action The list table's current_action().
	 */
	public static function handle( Plugin $plugin, $action ): void {
		if ( ! $action || ! isset( self::MARKS[ $action ] ) || 'POST' !== ( $_SERVER['REQUEST_METHOD'] ?? '' ) ) {
			return;
		}
		check_admin_referer( 'bulk-' . SessionsListTable::PLURAL );
		if ( ! current_user_can( Plugin::CAP_MARK_ATTENDANCE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to mark attendance.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		Notices::refuse_without_core( Menu::PARENT );
		$ids  = array_filter( array_map( 'absint', (array) ( $_POST['session'] ?? array() ) ) );
		$note = SessionsController::clean_note( isset( $_POST['tfsp_note'] ) && is_string( $_POST['tfsp_note'] ) ? wp_unslash( $_POST['tfsp_note'] ) : '' ); // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- clean_note() sanitises; kept as text, escaped on output.
		$mark = self::MARKS[ $action ];
		$done = 0;
		$fail = array();
		foreach ( $ids as $id ) {
			$result = SessionsController::mark( $plugin, (int) $id, $mark, $note, get_current_user_id() );
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
}
