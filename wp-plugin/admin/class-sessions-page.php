<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Sessions page (coaches and admins): the Add-session form (SessionEntryForm), filters,
 * search, the list, bulk marks with a note.
 *
 * Bulk marks post to the page itself and are taken in its load hook (before
 * any output; see SessionsBulkMarks); single marks go through the REST route
 * POST tfsp-calendly/v1/sessions/{id}/mark.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;

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
		SessionsBulkMarks::handle( $this->plugin, $this->table()->current_action() );
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
		SessionEntryForm::render( $this->plugin );
		$this->render_unmatched_hosts();
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

	/**
	 * For an admin: the host e-mails of sessions that match no user, whose sessions therefore
	 * only lead coaches and admins see and mark.
	 */
	private function render_unmatched_hosts(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			return;
		}
		try {
			$emails = array();
			foreach ( $this->plugin->session_coaches()->coachless_host_emails() as $lines ) {
				foreach ( explode( "\n", $lines ) as $email ) {
					$email = strtolower( trim( $email ) ); // As the core normalises; shown only.
					if ( '' !== $email ) {
						$emails[ $email ] = true;
					}
				}
			}
			$unheld = $this->plugin->users()->unheld( array_keys( $emails ) );
		} catch ( DatabaseError $e ) {
			return;
		}
		if ( ! $unheld ) {
			return;
		}
		sort( $unheld );
		echo '<div class="notice notice-warning tfsp-calendly-unmatched-hosts"><p>';
		echo esc_html__( 'These Calendly host e-mails match no WordPress user, so their sessions have no coach: only lead coaches and administrators see and mark them. Give each coach an account with that e-mail address to link their sessions.', 'tfsp-calendly-sync' );
		echo '</p><ul>';
		foreach ( $unheld as $email ) {
			echo '<li><code>' . esc_html( $email ) . '</code></li>';
		}
		echo '</ul></div>';
	}

	private function table(): SessionsListTable {
		return $this->table ??= new SessionsListTable( $this->plugin );
	}
}
