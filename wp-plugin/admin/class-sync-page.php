<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Sync page (admins): health (subscription, last verified delivery, last back-fill, failing
 * rows, rate-limit and signature-failure counts), the ledger with its stored errors and
 * retry/replay, the back-fill form with its live progress bar, and the alerts sent.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\Alerts;
use TFSP\CalendlySync\Backfill;
use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\Cron\HealthCheck;
use TFSP\CalendlySync\Cron\RetryFailedDeliveries;
use TFSP\CalendlySync\Cron\StaleLookup;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\LedgerListRepository;
use TFSP\CalendlySync\Plugin;

defined( 'ABSPATH' ) || exit;

final class SyncPage {

	public const SLUG         = 'tfsp-calendly-sync';
	public const CHECK_ACTION = 'tfsp_calendly_check_health';
	public const RETRY_ACTION = 'tfsp_calendly_retry_row';
	public const ACTIONS      = array( self::CHECK_ACTION, self::RETRY_ACTION );

	private Plugin $plugin;

	private ?LedgerListTable $table = null;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	/** Load hook: screen options and the ledger's bulk retry. */
	public function load(): void {
		add_screen_option(
			'per_page',
			array(
				'default' => 20,
				'option'  => 'tfsp_calendly_per_page',
			)
		);
		$table = $this->table();
		if ( 'retry' !== $table->current_action() || 'POST' !== ( $_SERVER['REQUEST_METHOD'] ?? '' ) ) {
			return;
		}
		check_admin_referer( 'bulk-' . LedgerListTable::PLURAL );
		$this->require_manage();
		Notices::refuse_without_core( self::SLUG );
		$ids = array_filter( array_map( 'absint', (array) ( $_POST['ledger'] ?? array() ) ) );
		$this->retry( $ids );
		$back = wp_get_referer();
		wp_safe_redirect( $back ? $back : admin_url( 'admin.php?page=' . self::SLUG ) );
		exit;
	}

	/** admin-post.php handlers: a fresh health check, or one ledger row tried again. */
	public function handle( string $action ): void {
		$this->require_manage();
		if ( self::CHECK_ACTION === $action ) {
			check_admin_referer( self::CHECK_ACTION );
			Notices::refuse_without_core( self::SLUG ); // A health check asks Calendly through the core's client.
			$health = $this->plugin->health_check()->run();
			Notices::add( $health ? 'success' : 'warning', $health ? __( 'Health checked.', 'tfsp-calendly-sync' ) : __( 'Another health check is running; look again in a minute.', 'tfsp-calendly-sync' ) );
		} else {
			$id = isset( $_POST['ledger'] ) ? absint( $_POST['ledger'] ) : 0;
			check_admin_referer( self::RETRY_ACTION . '_' . $id );
			Notices::refuse_without_core( self::SLUG ); // A retry applies through the core.
			$this->retry( array( $id ) );
		}
		$back = wp_get_referer();
		wp_safe_redirect( $back ? $back : admin_url( 'admin.php?page=' . self::SLUG ) );
		exit;
	}

	public function render(): void {
		$this->require_manage();
		$table = $this->table();
		$error = $table->prepare_items();
		echo '<div class="wrap tfsp-calendly"><h1>' . esc_html__( 'Calendly sync', 'tfsp-calendly-sync' ) . '</h1>';
		Notices::render();
		$this->render_url_changed();
		$this->render_oauth_broken();
		$this->render_skipped_jobs();
		$this->render_health();
		$this->render_backfill();
		$this->render_alerts();
		echo '<h2 id="tfsp-ledger">' . esc_html__( 'Ledger', 'tfsp-calendly-sync' ) . '</h2>';
		echo '<p class="description">' . esc_html__( 'One row per distinct Calendly delivery or back-fill item, with what became of it.', 'tfsp-calendly-sync' ) . '</p>';
		if ( null !== $error ) {
			echo '<div class="notice notice-error"><p>' . esc_html( $error ) . '</p></div>';
		}
		$table->render_filters();
		echo '<form method="post" action="' . esc_url( $table->current_url() ) . '">';
		$table->display();
		echo '</form>';
		$table->row_forms();
		echo '</div>';
	}

	/** The subscription was made for another webhook URL than this site's today: what happened and what to do. */
	private function render_url_changed(): void {
		$moved = $this->plugin->connection()->url_changed();
		if ( null === $moved ) {
			return;
		}
		echo '<div class="notice notice-error inline tfsp-calendly-url-changed"><p><strong>' . esc_html__( 'The webhook URL of this site changed.', 'tfsp-calendly-sync' ) . '</strong> ';
		/* translators: 1: Calendly subscription URI, 2: URL it was made for, 3: this site's webhook URL now */
		echo esc_html( sprintf( __( 'The Calendly webhook subscription %1$s was made for %2$s; this site\'s webhook URL is now %3$s. Calendly keeps delivering to the old URL, and this site leaves that subscription alone: it neither deletes nor replaces it, and does not back-fill because of it.', 'tfsp-calendly-sync' ), $moved['uri'], $moved['subscription_url'], $moved['site_url'] ) ) . '</p><p>';
		esc_html_e( 'What to do: if this site moved or its permalinks changed for good, register the webhook subscription again on the settings page (a new subscription is made for the new URL; delete the old one in Calendly once nothing uses it). If this is a copy of the site (staging), leave it: the subscription belongs to the site at the old URL.', 'tfsp-calendly-sync' );
		echo '</p></div>';
	}

	/** Calendly refused to renew the OAuth connection: nothing syncs until the admin connects again. */
	private function render_oauth_broken(): void {
		$oauth  = $this->plugin->oauth();
		$broken = $oauth->connected() ? $oauth->broken() : null;
		if ( null === $broken ) {
			return;
		}
		echo '<div class="notice notice-error inline tfsp-calendly-oauth-broken"><p><strong>' . esc_html__( 'The Calendly OAuth connection is broken.', 'tfsp-calendly-sync' ) . '</strong> ' . esc_html( $broken['message'] ) . ' <a href="' . esc_url( admin_url( 'admin.php?page=' . SettingsPage::SLUG ) ) . '">' . esc_html__( 'Open the Calendly settings', 'tfsp-calendly-sync' ) . '</a></p></div>';
	}

	/** The scheduled jobs that skipped their runs because the core was missing, until each runs again. */
	private function render_skipped_jobs(): void {
		$skipped = $this->plugin->skipped_jobs();
		if ( ! $skipped ) {
			return;
		}
		$labels = array(
			RetryFailedDeliveries::HOOK => __( 'Retry of failed deliveries', 'tfsp-calendly-sync' ),
			HealthCheck::HOOK           => __( 'Health check', 'tfsp-calendly-sync' ),
			StaleLookup::HOOK           => __( 'Look-up of stale deliveries', 'tfsp-calendly-sync' ),
			Backfill::HOOK              => __( 'Back-fill', 'tfsp-calendly-sync' ),
		);
		echo '<div class="notice notice-warning inline tfsp-calendly-skipped-jobs"><p><strong>' . esc_html__( 'Scheduled jobs are skipping their runs: the calsync PHP extension is not loaded.', 'tfsp-calendly-sync' ) . '</strong></p><ul>';
		foreach ( $skipped as $hook => $at ) {
			/* translators: 1: job name, 2: time */
			echo '<li data-hook="' . esc_attr( $hook ) . '">' . esc_html( sprintf( __( '%1$s: last skipped %2$s', 'tfsp-calendly-sync' ), $labels[ $hook ] ?? $hook, self::iso_when( $at ) ) ) . '</li>';
		}
		echo '</ul><p>' . esc_html__( 'Each job runs again on its schedule once the extension is back; deliveries that Calendly retried meanwhile arrive on their own.', 'tfsp-calendly-sync' ) . '</p></div>';
	}

	private function render_health(): void {
		$health = HealthCheck::snapshot( $this->plugin->settings_repository() );
		try {
			$counters = $this->plugin->counters()->all();
		} catch ( DatabaseError $e ) {
			$counters = array();
		}
		echo '<h2>' . esc_html__( 'Health', 'tfsp-calendly-sync' ) . '</h2>';
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="tfsp-calendly-inline"><input type="hidden" name="action" value="' . esc_attr( self::CHECK_ACTION ) . '">';
		wp_nonce_field( self::CHECK_ACTION );
		submit_button( __( 'Check now', 'tfsp-calendly-sync' ), 'secondary', 'tfsp_check', false );
		echo '</form>';
		$rows = array();
		if ( null === $health ) {
			$rows[ __( 'Status', 'tfsp-calendly-sync' ) ] = __( 'Not checked yet.', 'tfsp-calendly-sync' );
		} else {
			$status_labels = array(
				'ok'      => __( 'OK', 'tfsp-calendly-sync' ),
				'warning' => __( 'Needs a look', 'tfsp-calendly-sync' ),
				'error'   => __( 'Not syncing', 'tfsp-calendly-sync' ),
			);
			$status        = (string) ( $health['status'] ?? 'unknown' );
			/* translators: 1: status, 2: time */
			$rows[ __( 'Status', 'tfsp-calendly-sync' ) ] = sprintf( __( '%1$s (checked %2$s)', 'tfsp-calendly-sync' ), $status_labels[ $status ] ?? $status, self::iso_when( $health['checked_at'] ?? null ) );
			$rows[ __( 'Mode', 'tfsp-calendly-sync' ) ]   = 'polling' === ( $health['mode'] ?? '' ) ? __( 'polling (Calendly refuses webhooks)', 'tfsp-calendly-sync' ) : __( 'webhooks', 'tfsp-calendly-sync' );
			$conn = (array) ( $health['connection'] ?? array() );
			$rows[ __( 'Connection', 'tfsp-calendly-sync' ) ] = trim( (string) ( $conn['state'] ?? '' ) . ' ' . (string) ( $conn['message'] ?? '' ) );
			$sub  = (array) ( $health['subscription'] ?? array() );
			$text = (string) ( $sub['state'] ?? 'unknown' );
			if ( ! empty( $sub['retry_started_at'] ) ) {
				/* translators: %s: time */
				$text .= ' — ' . sprintf( __( 'Calendly retrying since %s', 'tfsp-calendly-sync' ), (string) $sub['retry_started_at'] );
			}
			$rows[ __( 'Webhook subscription', 'tfsp-calendly-sync' ) ] = $text;
			$last = $health['deliveries']['last_verified_at'] ?? null;
			$rows[ __( 'Last verified delivery', 'tfsp-calendly-sync' ) ] = null === $last ? __( 'none yet', 'tfsp-calendly-sync' ) : self::iso_when( $last );
			$ledger = (array) ( $health['ledger'] ?? array() );
			/* translators: 1: failed rows, 2: given up, 3: retrying, 4: stale */
			$rows[ __( 'Failing ledger rows', 'tfsp-calendly-sync' ) ] = sprintf( __( '%1$d failed (%2$d given up), %3$d retrying, %4$d stale', 'tfsp-calendly-sync' ), (int) ( $ledger['failed'] ?? 0 ), (int) ( $ledger['failed_for_good'] ?? 0 ), (int) ( $ledger['retrying'] ?? 0 ), (int) ( $ledger['stale'] ?? 0 ) );
		}
		try {
			$latest = $this->plugin->backfills()->latest();
		} catch ( DatabaseError $e ) {
			$latest = null;
		}
		if ( null !== $latest ) {
			$job = Backfill::view( $latest );
			/* translators: 1: job id, 2: state, 3: reason, 4: invitees synced, 5: finished or started time */
			$rows[ __( 'Last back-fill', 'tfsp-calendly-sync' ) ] = sprintf( __( '#%1$d %2$s (%3$s): %4$d invitees synced, %5$s', 'tfsp-calendly-sync' ), $job['id'], $job['state'], $job['reason'], $job['counts']['invitees_synced'], self::iso_when( $job['finished_at'] ?? $job['started_at'] ?? $job['created_at'] ) );
		} else {
			$rows[ __( 'Last back-fill', 'tfsp-calendly-sync' ) ] = __( 'none yet', 'tfsp-calendly-sync' );
		}
		$signature = 0;
		foreach ( $counters as $key => $value ) {
			if ( 0 === strpos( $key, 'signature_' ) ) {
				$signature += $value;
			}
		}
		$rows[ __( 'Refused as rate-limited', 'tfsp-calendly-sync' ) ] = number_format_i18n( (int) ( $counters['rate_limited'] ?? 0 ) );
		$parts = array();
		foreach ( $counters as $key => $value ) {
			if ( 0 === strpos( $key, 'signature_' ) ) {
				$parts[] = substr( $key, 10 ) . ': ' . number_format_i18n( $value );
			}
		}
		$rows[ __( 'Signature failures', 'tfsp-calendly-sync' ) ] = number_format_i18n( $signature ) . ( $parts ? ' (' . implode( ', ', $parts ) . ')' : '' );
		$rows[ __( 'Bodies too large', 'tfsp-calendly-sync' ) ]   = number_format_i18n( (int) ( $counters['body_too_large'] ?? 0 ) );

		echo '<table class="widefat striped tfsp-calendly-health" data-status="' . esc_attr( (string) ( $health['status'] ?? 'unknown' ) ) . '"><tbody>';
		foreach ( $rows as $label => $value ) {
			echo '<tr><th scope="row">' . esc_html( $label ) . '</th><td>' . esc_html( $value ) . '</td></tr>';
		}
		echo '</tbody></table>';
		foreach ( (array) ( $health['problems'] ?? array() ) as $problem ) {
			echo '<div class="notice notice-warning inline"><p>' . esc_html( (string) $problem ) . '</p></div>';
		}
	}

	private function render_backfill(): void {
		try {
			$latest = $this->plugin->backfills()->latest( 'admin' );
		} catch ( DatabaseError $e ) {
			$latest = null;
		}
		$running = null !== $latest && in_array( $latest['state'], array( 'queued', 'running' ), true ) ? (int) $latest['id'] : 0;
		$from    = wp_date( 'Y-m-d', time() - 30 * DAY_IN_SECONDS );
		$to      = wp_date( 'Y-m-d', time() + 90 * DAY_IN_SECONDS );
		echo '<h2>' . esc_html__( 'Back-fill', 'tfsp-calendly-sync' ) . '</h2>';
		echo '<p class="description">' . esc_html__( 'Reads every scheduled event that starts in the window, and its invitees, from Calendly and applies them like webhooks. It runs in the background; this page shows its progress.', 'tfsp-calendly-sync' ) . '</p>';
		echo '<form id="tfsp-calendly-backfill" class="tfsp-calendly-backfill" data-job="' . esc_attr( (string) $running ) . '" data-timezone="' . esc_attr( wp_timezone_string() ) . '">';
		echo '<label>' . esc_html__( 'From', 'tfsp-calendly-sync' ) . ' <input type="date" name="from" required value="' . esc_attr( $from ) . '"></label> ';
		echo '<label>' . esc_html__( 'To', 'tfsp-calendly-sync' ) . ' <input type="date" name="to" required value="' . esc_attr( $to ) . '"></label> ';
		echo '<button type="submit" class="button button-primary">' . esc_html__( 'Start the back-fill', 'tfsp-calendly-sync' ) . '</button>';
		echo '<div class="tfsp-calendly-progress" hidden><progress max="100"></progress> <span class="tfsp-calendly-progress-text" role="status" aria-live="polite"></span></div>';
		echo '</form>';
	}

	private function render_alerts(): void {
		echo '<h2>' . esc_html__( 'Alerts', 'tfsp-calendly-sync' ) . '</h2>';
		$store = $this->plugin->settings_repository();
		$rows  = array();
		foreach ( Alerts::KINDS as $kind ) {
			$raw   = $store->find_quietly( '_alert_' . $kind );
			$state = null === $raw ? null : json_decode( $raw, true );
			if ( is_array( $state ) ) {
				$rows[ $kind ] = $state;
			}
		}
		if ( ! $rows ) {
			echo '<p>' . esc_html__( 'No alert has been raised.', 'tfsp-calendly-sync' ) . '</p>';
			return;
		}
		try {
			$to = (string) $this->plugin->settings()->get( 'alert_email' );
		} catch ( \Throwable $e ) {
			$to = '';
		}
		/* translators: %s: e-mail address */
		echo '<p class="description">' . esc_html( sprintf( __( 'Alert e-mails go to %s.', 'tfsp-calendly-sync' ), '' === $to ? (string) get_option( 'admin_email' ) : $to ) ) . '</p>';
		echo '<table class="widefat striped tfsp-calendly-alerts"><thead><tr><th>' . esc_html__( 'Alert', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'State', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'Message', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'E-mails sent', 'tfsp-calendly-sync' ) . '</th><th>' . esc_html__( 'Last e-mail', 'tfsp-calendly-sync' ) . '</th></tr></thead><tbody>';
		foreach ( $rows as $kind => $state ) {
			$active = ! empty( $state['active'] );
			/* translators: %s: time */
			$since = $active && ! empty( $state['since'] ) ? sprintf( __( 'raised since %s', 'tfsp-calendly-sync' ), Clock::site_datetime_at( (int) $state['since'] ) ) : __( 'cleared', 'tfsp-calendly-sync' );
			echo '<tr><td>' . esc_html( Alerts::title( $kind ) ) . '</td><td>' . esc_html( $since ) . '</td><td>' . esc_html( (string) ( $state['message'] ?? '' ) ) . '</td><td>' . esc_html( number_format_i18n( (int) ( $state['mails'] ?? 0 ) ) ) . '</td><td>' . esc_html( empty( $state['last_mail'] ) ? '—' : Clock::site_datetime_at( (int) $state['last_mail'] ) ) . '</td></tr>';
		}
		echo '</tbody></table>';
	}

	/** Tries ledger rows again from their stored bodies, under the retry job's lock. @param int[] $ids Rows. */
	private function retry( array $ids ): void {
		if ( ! $ids ) {
			Notices::add( 'warning', __( 'Select the ledger rows first.', 'tfsp-calendly-sync' ) );
			return;
		}
		$ledger = $this->plugin->ledger_list();
		try {
			$ran = $this->plugin->database()->with_lock( 'retry', fn() => $this->replay_rows( $ledger, $ids ), 5, false );
		} catch ( DatabaseError $e ) {
			Notices::add( 'error', __( 'The database could not be reached.', 'tfsp-calendly-sync' ) );
			return;
		}
		if ( ! $ran ) {
			Notices::add( 'warning', __( 'The scheduled retry is running; try again in a minute.', 'tfsp-calendly-sync' ) );
		}
	}

	/** @param int[] $ids Ledger rows. @return true */
	private function replay_rows( LedgerListRepository $ledger, array $ids ): bool {
		try {
			foreach ( $ids as $id ) {
				$row = $ledger->for_replay( (int) $id );
				if ( null === $row || null === $row['raw_body'] ) {
					/* translators: %d: ledger row */
					Notices::add( 'error', sprintf( __( 'Ledger row %d has no stored body (cleared by retention) and cannot be tried again.', 'tfsp-calendly-sync' ), $id ) );
					continue;
				}
				if ( 'processed' === $row['outcome'] ) {
					/* translators: %d: ledger row */
					Notices::add( 'info', sprintf( __( 'Ledger row %d was already applied.', 'tfsp-calendly-sync' ), $id ) );
					continue;
				}
				$outcome = $this->plugin->sync()->replay( $row );
				/* translators: 1: ledger row, 2: outcome */
				Notices::add( 'processed' === $outcome ? 'success' : 'warning', sprintf( __( 'Ledger row %1$d: %2$s.', 'tfsp-calendly-sync' ), $id, LedgerListTable::outcome_label( $outcome ) ) );
			}
		} catch ( DatabaseError $e ) {
			Notices::add( 'error', __( 'The retry stopped because of a database error.', 'tfsp-calendly-sync' ) );
		}
		return true;
	}

	private function require_manage(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the Calendly sync.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
	}

	private function table(): LedgerListTable {
		return $this->table ??= new LedgerListTable();
	}

	private static function iso_when( $iso ): string {
		$ts = is_string( $iso ) ? strtotime( $iso ) : false;
		return false === $ts ? '—' : Clock::site_datetime_at( $ts );
	}
}
