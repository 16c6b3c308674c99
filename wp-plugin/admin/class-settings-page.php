<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Settings page (admins): the Calendly connection, the event types that are coaching
 * sessions, the webhook subscription, the sync's limits and switches, and the student e-mails
 * (each on or off, with when it last ran and how many it sent).
 *
 * Rendered with the Settings API (sections and fields); saved by its own
 * admin-post.php handler into the plugin's settings table through Settings
 * (never wp_options), with a nonce and the manage capability.  A setting
 * pinned by a TFSP_CALENDLY_<NAME> constant shows read-only; secrets are
 * never echoed back, only whether they are stored, pinned or unreadable.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Admin;

use TFSP\CalendlySync\ApiError;
use TFSP\CalendlySync\Clock;
use TFSP\CalendlySync\Connection;
use TFSP\CalendlySync\Cron\HealthCheck;
use TFSP\CalendlySync\Cron\StudentNudges;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\Plugin;
use TFSP\CalendlySync\SecretUnavailable;
use TFSP\CalendlySync\Settings;

defined( 'ABSPATH' ) || exit;

final class SettingsPage {

	public const SLUG    = 'tfsp-calendly-settings';
	public const ACTION  = 'tfsp_calendly_save_settings';
	public const ACTIONS = array( self::ACTION );

	/** Settings edited on this page, by section. */
	private const FIELDS = array(
		'connection' => array( 'api_base', 'token', 'auth_base', 'oauth_client_id', 'oauth_client_secret' ),
		'sync'       => array( 'required_sessions', 'scheduling_url', 'reminder_after_hours', 'at_risk_days', 'signature_tolerance', 'webhook_rate_limit', 'retention_days', 'alert_email', 'alert_interval_minutes', 'two_way_no_show', 'coaches_enter_sessions', 'link_new_accounts', 'send_students_to_portal', 'delete_data_on_uninstall' ),
		'mails'      => array( 'nudge_book_next', 'nudge_after_days', 'nudge_requirement_met' ),
	);

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	private function settings(): Settings {
		return $this->plugin->settings();
	}

	public function register_fields(): void {
		$defs = $this->settings()->definitions();
		add_settings_section( 'tfsp_connection', esc_html__( 'Calendly connection', 'tfsp-calendly-sync' ), array( $this, 'section_connection' ), self::SLUG );
		add_settings_field( 'tfsp_mode', esc_html__( 'In use', 'tfsp-calendly-sync' ), array( $this, 'field_mode' ), self::SLUG, 'tfsp_connection' );
		foreach ( self::FIELDS['connection'] as $name ) {
			add_settings_field( 'tfsp_' . $name, esc_html( $defs[ $name ]['label'] ), array( $this, 'field' ), self::SLUG, 'tfsp_connection', array( 'name' => $name, 'label_for' => 'tfsp-field-' . $name ) );
		}
		add_settings_field( 'tfsp_account', esc_html__( 'Account', 'tfsp-calendly-sync' ), array( $this, 'field_account' ), self::SLUG, 'tfsp_connection' );

		add_settings_section( 'tfsp_event_types', esc_html__( 'Coaching session event types', 'tfsp-calendly-sync' ), array( $this, 'section_event_types' ), self::SLUG );
		add_settings_field( 'tfsp_event_types', esc_html( $defs['event_types']['label'] ), array( $this, 'field_event_types' ), self::SLUG, 'tfsp_event_types' );

		add_settings_section( 'tfsp_webhook', esc_html__( 'Webhook subscription', 'tfsp-calendly-sync' ), '__return_null', self::SLUG );
		add_settings_field( 'tfsp_subscription', esc_html__( 'Status', 'tfsp-calendly-sync' ), array( $this, 'field_subscription' ), self::SLUG, 'tfsp_webhook' );
		add_settings_field( 'tfsp_signing_key', esc_html( $defs['signing_key']['label'] ), array( $this, 'field_signing_key' ), self::SLUG, 'tfsp_webhook' );

		add_settings_section( 'tfsp_sync', esc_html__( 'Sync and progress', 'tfsp-calendly-sync' ), '__return_null', self::SLUG );
		foreach ( self::FIELDS['sync'] as $name ) {
			add_settings_field( 'tfsp_' . $name, esc_html( $defs[ $name ]['label'] ), array( $this, 'field' ), self::SLUG, 'tfsp_sync', array( 'name' => $name, 'label_for' => 'tfsp-field-' . $name ) );
		}

		add_settings_section( 'tfsp_mails', esc_html__( 'E-mails to students', 'tfsp-calendly-sync' ), array( $this, 'section_mails' ), self::SLUG );
		foreach ( self::FIELDS['mails'] as $name ) {
			add_settings_field( 'tfsp_' . $name, esc_html( $defs[ $name ]['label'] ), array( $this, 'field' ), self::SLUG, 'tfsp_mails', array( 'name' => $name, 'label_for' => 'tfsp-field-' . $name ) );
		}
	}

	/** The student e-mails: what they are, and when each last ran and how many it sent. */
	public function section_mails(): void {
		echo '<p>' . esc_html__( 'Each student gets each of these at most once per occasion, with a link to unsubscribe. Calendly already reminds students of the sessions they booked, so a student with a session coming up gets no e-mail from here.', 'tfsp-calendly-sync' ) . '</p>';
		$status = $this->plugin->student_nudges()->status();
		$never  = __( 'never', 'tfsp-calendly-sync' );
		echo '<ul>';
		foreach ( StudentNudges::KINDS as $kind ) {
			$s = $status[ $kind ] ?? null;
			if ( null === $s ) {
				continue;
			}
			$ran = null === $s['ran'] ? $never : Clock::site_datetime_at( $s['ran'] );
			if ( StudentNudges::BOOK_NEXT === $kind ) {
				$line = sprintf(
					/* translators: 1: when the daily job last ran, 2: e-mails it sent then, 3: e-mails sent in all */
					_n( '"Book your next session" (daily). Last run: %1$s. Sent %2$s e-mail in that run, %3$s in all.', '"Book your next session" (daily). Last run: %1$s. Sent %2$s e-mails in that run, %3$s in all.', (int) $s['sent_last_run'], 'tfsp-calendly-sync' ),
					$ran,
					number_format_i18n( (int) $s['sent_last_run'] ),
					number_format_i18n( $s['sent_total'] )
				);
				if ( 'off' === $s['skipped'] ) {
					$line .= ' ' . __( 'It was turned off.', 'tfsp-calendly-sync' );
				} elseif ( 'no_link' === $s['skipped'] ) {
					$line .= ' ' . __( 'Nothing was sent: the scheduling link for students is empty.', 'tfsp-calendly-sync' );
				} elseif ( 'between_terms' === $s['skipped'] ) {
					$line .= ' ' . __( 'Nothing was sent: no term is under way.', 'tfsp-calendly-sync' );
				}
			} else {
				$line = sprintf(
					/* translators: 1: when the listener last ran, 2: e-mails sent in all, 3: when the last one was sent */
					__( '"Requirement met" (when a student meets it). Last run: %1$s. Sent %2$s e-mails in all, the latest %3$s.', 'tfsp-calendly-sync' ),
					$ran,
					number_format_i18n( $s['sent_total'] ),
					null === $s['last_sent'] ? $never : Clock::site_datetime( $s['last_sent'] )
				);
			}
			echo '<li class="tfsp-calendly-mail-status" data-kind="' . esc_attr( $kind ) . '">' . esc_html( $line ) . '</li>';
		}
		echo '</ul>';
	}

	public function render(): void {
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the Calendly sync.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		echo '<div class="wrap tfsp-calendly"><h1>' . esc_html__( 'Calendly settings', 'tfsp-calendly-sync' ) . '</h1>';
		Notices::render();
		foreach ( $this->settings()->health() as $problem ) {
			echo '<div class="notice notice-error"><p>' . esc_html( $problem['message'] . ' ' . $problem['action'] ) . '</p></div>';
		}
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" class="tfsp-calendly-settings">';
		echo '<input type="hidden" name="action" value="' . esc_attr( self::ACTION ) . '">';
		wp_nonce_field( self::ACTION );
		do_settings_sections( self::SLUG );
		echo '<p class="submit">';
		submit_button( __( 'Save settings', 'tfsp-calendly-sync' ), 'primary', 'tfsp_save', false );
		echo '</p></form>';
		// The OAuth buttons sit in the settings form but submit these (forms cannot nest).
		foreach ( array( OauthConnect::START, OauthConnect::DISCONNECT ) as $action ) {
			echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" id="' . esc_attr( 'tfsp-form-' . $action ) . '">';
			echo '<input type="hidden" name="action" value="' . esc_attr( $action ) . '">';
			wp_nonce_field( $action, '_wpnonce', true );
			echo '</form>';
		}
		echo '</div>';
	}

	public function section_connection(): void {
		echo '<p>' . esc_html__( 'Two ways to connect: "Connect with Calendly" (OAuth 2.0) with the client ID and secret of a Calendly OAuth app, or a personal access token of the account that hosts the coaching sessions. OAuth is used while it is connected; otherwise the token. Secrets are stored sealed and never shown again.', 'tfsp-calendly-sync' ) . '</p>';
	}

	/** Which connection the API calls use now, and the OAuth connection's state. */
	public function field_mode(): void {
		$oauth  = $this->plugin->oauth();
		$mode   = $oauth->mode();
		$labels = array(
			'oauth' => __( 'OAuth ("Connect with Calendly")', 'tfsp-calendly-sync' ),
			'token' => __( 'Personal access token', 'tfsp-calendly-sync' ),
			'none'  => __( 'Nothing: connect with Calendly or enter a personal access token', 'tfsp-calendly-sync' ),
		);
		echo '<p class="tfsp-calendly-mode" data-mode="' . esc_attr( $mode ) . '"><strong>' . esc_html( $labels[ $mode ] ) . '</strong></p>';
		$summary = 'oauth' === $mode ? $oauth->summary() : null;
		if ( null !== $summary ) {
			/* translators: 1: date and time, 2: date and time */
			echo '<p class="description">' . esc_html( sprintf( __( 'Connected %1$s; the access token is renewed on its own before it expires (now valid until %2$s).', 'tfsp-calendly-sync' ), Clock::site_datetime_at( $summary['connected_at'] ), Clock::site_datetime_at( $summary['expires_at'] ) ) ) . '</p>';
		}
		$broken = 'oauth' === $mode ? $oauth->broken() : null;
		if ( null !== $broken ) {
			echo '<p class="tfsp-calendly-error tfsp-calendly-oauth-broken"><strong>' . esc_html__( 'The OAuth connection is broken.', 'tfsp-calendly-sync' ) . '</strong> ' . esc_html( $broken['message'] ) . '</p>';
		}
	}

	/** The redirect URI to register, and the Connect / Disconnect buttons. */
	private function oauth_buttons(): void {
		echo '<p class="description">' . esc_html__( 'Redirect URI to register in your Calendly OAuth app:', 'tfsp-calendly-sync' ) . ' <code class="tfsp-calendly-redirect-uri">' . esc_html( \TFSP\CalendlySync\Oauth::redirect_uri() ) . '</code></p><p>';
		$oauth = $this->plugin->oauth();
		$ready = $oauth->client_configured();
		echo '<button type="submit" class="button button-primary" id="tfsp-oauth-connect" form="' . esc_attr( 'tfsp-form-' . OauthConnect::START ) . '"' . ( $ready ? '' : ' disabled' ) . '>' . esc_html( $oauth->connected() ? __( 'Connect with Calendly again', 'tfsp-calendly-sync' ) : __( 'Connect with Calendly', 'tfsp-calendly-sync' ) ) . '</button> ';
		if ( $oauth->connected() ) {
			echo '<button type="submit" class="button" id="tfsp-oauth-disconnect" form="' . esc_attr( 'tfsp-form-' . OauthConnect::DISCONNECT ) . '">' . esc_html__( 'Disconnect', 'tfsp-calendly-sync' ) . '</button>';
		}
		echo '</p>';
		if ( ! $ready ) {
			echo '<p class="description">' . esc_html__( 'Save the client ID and secret first.', 'tfsp-calendly-sync' ) . '</p>';
		} else {
			echo '<p class="description">' . esc_html__( 'Disconnecting deletes this site\'s webhook subscription, revokes the token at Calendly, then removes it here.', 'tfsp-calendly-sync' ) . '</p>';
		}
	}

	public function section_event_types(): void {
		echo '<p>' . esc_html__( 'Only bookings of the chosen event types become coaching sessions. With none chosen, every event type counts.', 'tfsp-calendly-sync' ) . '</p>';
	}

	/** One setting's input; read-only when pinned; a secret shows its state, never its value. */
	public function field( array $args ): void {
		$name   = $args['name'];
		$def    = $this->settings()->definitions()[ $name ];
		$id     = 'tfsp-field-' . $name;
		$pinned = $this->settings()->is_pinned( $name );
		if ( $def['secret'] ) {
			echo '<input type="password" id="' . esc_attr( $id ) . '" name="tfsp[' . esc_attr( $name ) . ']" value="" class="regular-text" autocomplete="new-password"' . ( $pinned ? ' disabled' : '' ) . '> ';
			echo '<span class="tfsp-calendly-secret-state" data-state="' . esc_attr( $this->secret_state( $name ) ) . '">' . esc_html( $this->secret_state_label( $name ) ) . '</span>';
			if ( ! $pinned ) {
				echo '<p class="description">' . esc_html__( 'Leave empty to keep the stored value.', 'tfsp-calendly-sync' ) . '</p>';
			}
			if ( 'token' === $name ) {
				echo '<p>';
				submit_button( __( 'Save and test the connection', 'tfsp-calendly-sync' ), 'secondary', 'tfsp_connect', false );
				echo '</p>';
			}
			$this->pinned_note( $name );
			if ( 'oauth_client_secret' === $name ) {
				$this->oauth_buttons();
			}
			return;
		}
		try {
			$value = $this->settings()->get( $name );
		} catch ( SecretUnavailable | DatabaseError $e ) {
			$value = $def['default'];
		}
		$disabled = $pinned ? ' disabled' : '';
		switch ( $def['type'] ) {
			case 'bool':
				echo '<input type="hidden" name="tfsp_bools[]" value="' . esc_attr( $name ) . '">';
				echo '<label><input type="checkbox" id="' . esc_attr( $id ) . '" name="tfsp[' . esc_attr( $name ) . ']" value="1"' . checked( (bool) $value, true, false ) . $disabled . '> ' . esc_html( $this->bool_hint( $name ) ) . '</label>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- $disabled is a constant string.
				break;
			case 'int':
				echo '<input type="number" id="' . esc_attr( $id ) . '" name="tfsp[' . esc_attr( $name ) . ']" value="' . esc_attr( (string) $value ) . '" min="' . esc_attr( (string) $def['min'] ) . '" max="' . esc_attr( (string) $def['max'] ) . '" class="small-text"' . $disabled . '>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
				break;
			case 'email_or_empty':
				echo '<input type="email" id="' . esc_attr( $id ) . '" name="tfsp[' . esc_attr( $name ) . ']" value="' . esc_attr( (string) $value ) . '" class="regular-text" placeholder="' . esc_attr( (string) get_option( 'admin_email' ) ) . '"' . $disabled . '>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
				break;
			default:
				echo '<input type="text" id="' . esc_attr( $id ) . '" name="tfsp[' . esc_attr( $name ) . ']" value="' . esc_attr( is_array( $value ) ? implode( ', ', $value ) : (string) $value ) . '" class="regular-text"' . $disabled . '>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped
		}
		$this->pinned_note( $name );
	}

	/** The account the token belongs to, from the last test. */
	public function field_account(): void {
		$test = $this->last_test();
		if ( null === $test ) {
			echo '<p class="description">' . esc_html__( 'Not tested yet.', 'tfsp-calendly-sync' ) . '</p>';
			return;
		}
		/* translators: %s: date and time */
		$when = sprintf( __( 'tested %s', 'tfsp-calendly-sync' ), Clock::site_datetime_at( (int) $test['at'] ) );
		if ( ! empty( $test['ok'] ) ) {
			echo '<p class="tfsp-calendly-test tfsp-calendly-ok"><strong>' . esc_html__( 'Connected', 'tfsp-calendly-sync' ) . '</strong> (' . esc_html( $when ) . ')</p>';
			echo '<p><span class="tfsp-calendly-account-name">' . esc_html( (string) $test['name'] ) . '</span><br><code>' . esc_html( (string) $test['user_uri'] ) . '</code><br>';
			/* translators: %s: organization URI */
			echo esc_html( sprintf( __( 'Organization: %s', 'tfsp-calendly-sync' ), (string) $test['organization_uri'] ) ) . '</p>';
		} else {
			echo '<p class="tfsp-calendly-test tfsp-calendly-error"><strong>' . esc_html__( 'The test failed', 'tfsp-calendly-sync' ) . '</strong> (' . esc_html( $when ) . '): ' . esc_html( (string) $test['error'] ) . '</p>';
		}
	}

	/** Checkboxes of the organization's event types, from the event-types call. */
	public function field_event_types(): void {
		$pinned = $this->settings()->is_pinned( 'event_types' );
		try {
			$chosen = (array) $this->settings()->get( 'event_types' );
		} catch ( SecretUnavailable | DatabaseError $e ) {
			$chosen = array();
		}
		$types = array();
		$error = null;
		try {
			$organization = (string) $this->settings()->get( 'organization_uri' );
			if ( '' === $organization ) {
				$error = __( 'Test the connection first: the event types are read from Calendly.', 'tfsp-calendly-sync' );
			} else {
				$types = $this->plugin->api()->event_types( $organization );
			}
		} catch ( ApiError $e ) {
			/* translators: %s: error */
			$error = sprintf( __( 'The event types could not be read: %s', 'tfsp-calendly-sync' ), $e->getMessage() );
		} catch ( SecretUnavailable | DatabaseError $e ) {
			$error = __( 'The event types could not be read: the connection settings cannot be opened.', 'tfsp-calendly-sync' );
		}
		if ( null !== $error ) {
			echo '<p class="description">' . esc_html( $error ) . '</p>';
		}
		$known = array();
		echo '<fieldset id="tfsp-event-types"><legend class="screen-reader-text">' . esc_html__( 'Event types', 'tfsp-calendly-sync' ) . '</legend>';
		foreach ( $types as $type ) {
			$uri = (string) ( $type['uri'] ?? '' );
			if ( '' === $uri ) {
				continue;
			}
			$known[ $uri ] = true;
			$meta          = array();
			if ( isset( $type['duration'] ) ) {
				/* translators: %d: minutes */
				$meta[] = sprintf( __( '%d min', 'tfsp-calendly-sync' ), (int) $type['duration'] );
			}
			if ( isset( $type['active'] ) && ! $type['active'] ) {
				$meta[] = __( 'inactive', 'tfsp-calendly-sync' );
			}
			echo '<label class="tfsp-calendly-event-type"><input type="checkbox" name="tfsp_event_types[]" value="' . esc_attr( $uri ) . '"' . checked( in_array( $uri, $chosen, true ), true, false ) . ( $pinned ? ' disabled' : '' ) . '> ' . esc_html( (string) ( $type['name'] ?? $uri ) ) . ( $meta ? ' <span class="description">(' . esc_html( implode( ', ', $meta ) ) . ')</span>' : '' ) . '</label><br>';
		}
		// Chosen types Calendly no longer lists stay chosen until unticked.
		foreach ( $chosen as $uri ) {
			if ( ! isset( $known[ $uri ] ) ) {
				echo '<label class="tfsp-calendly-event-type"><input type="checkbox" name="tfsp_event_types[]" value="' . esc_attr( $uri ) . '" checked' . ( $pinned ? ' disabled' : '' ) . '> <code>' . esc_html( $uri ) . '</code> <span class="description">(' . esc_html__( 'not listed by Calendly now', 'tfsp-calendly-sync' ) . ')</span></label><br>';
			}
		}
		echo '</fieldset>';
		if ( $types || $chosen ) {
			echo '<input type="hidden" name="tfsp_event_types_shown" value="1">';
		}
		$this->pinned_note( 'event_types' );
	}

	public function field_subscription(): void {
		$connection = $this->plugin->connection();
		$sub        = $connection->subscription();
		$health     = HealthCheck::snapshot( $this->plugin->settings_repository() );
		$state      = (string) ( $health['subscription']['state'] ?? '' );
		if ( null !== $connection->webhooks_refused() ) {
			echo '<p class="tfsp-calendly-error">' . esc_html__( 'Calendly refuses webhook subscriptions for this account (403); the sync polls instead.', 'tfsp-calendly-sync' ) . '</p>';
		}
		if ( null === $sub ) {
			echo '<p class="tfsp-calendly-subscription" data-state="none">' . esc_html__( 'No webhook subscription is registered.', 'tfsp-calendly-sync' ) . '</p>';
		} else {
			/* translators: %s: state such as active or disabled */
			$state_text = '' === $state ? __( 'registered (not checked yet)', 'tfsp-calendly-sync' ) : sprintf( __( 'state at the last health check: %s', 'tfsp-calendly-sync' ), $state );
			echo '<p class="tfsp-calendly-subscription" data-state="' . esc_attr( '' === $state ? 'registered' : $state ) . '"><strong>' . esc_html__( 'Registered', 'tfsp-calendly-sync' ) . '</strong>, ' . esc_html( $state_text ) . '<br>';
			/* translators: %s: date */
			echo esc_html( sprintf( __( 'Registered at %s', 'tfsp-calendly-sync' ), (string) ( $sub['created_at'] ?? '' ) ) ) . '<br><code>' . esc_html( (string) ( $sub['uri'] ?? '' ) ) . '</code><br>';
			/* translators: %s: URL */
			echo esc_html( sprintf( __( 'Callback: %s', 'tfsp-calendly-sync' ), (string) ( $sub['callback_url'] ?? '' ) ) ) . '</p>';
			if ( null !== $connection->url_changed() ) {
				echo '<p class="tfsp-calendly-error">' . esc_html__( 'This subscription was made for another webhook URL than this site\'s today (see the Sync page). Re-registering makes a new one for this URL and leaves the old one in Calendly.', 'tfsp-calendly-sync' ) . '</p>';
			}
		}
		/* translators: %s: URL */
		echo '<p class="description">' . esc_html( sprintf( __( 'Webhook route of this site: %s', 'tfsp-calendly-sync' ), Connection::webhook_url() ) ) . '</p><p>';
		submit_button( null === $sub ? __( 'Register the webhook', 'tfsp-calendly-sync' ) : __( 'Re-register the webhook', 'tfsp-calendly-sync' ), 'secondary', 'tfsp_register', false );
		echo '</p><p class="description">' . esc_html(
			$connection->uses_oauth()
				? __( 'Registering uses the OAuth app\'s signing key entered below (never a new one) and replaces this site\'s old subscription once the new one exists.', 'tfsp-calendly-sync' )
				: __( 'Registering makes a new signing key and replaces this site\'s old subscription once the new one exists.', 'tfsp-calendly-sync' )
		) . '</p>';
	}

	public function field_signing_key(): void {
		$pinned = $this->settings()->is_pinned( 'signing_key' );
		if ( ! $pinned && $this->plugin->oauth()->client_configured() ) {
			echo '<input type="password" id="tfsp-field-app-signing-key" name="tfsp_app_signing_key" value="" class="regular-text" autocomplete="new-password"> ';
		}
		echo '<span class="tfsp-calendly-secret-state" data-state="' . esc_attr( $this->secret_state( 'signing_key' ) ) . '">' . esc_html( $this->secret_state_label( 'signing_key' ) ) . '</span>';
		if ( ! $pinned && $this->plugin->oauth()->client_configured() ) {
			echo '<p class="description">' . esc_html__( 'With an OAuth app, Calendly signs webhooks with the app\'s own signing key (shown in Calendly\'s developer console): enter it here. It is used as it is and never rotated by the plugin. With a personal access token, registering makes a new key.', 'tfsp-calendly-sync' ) . '</p>';
		}
		$this->pinned_note( 'signing_key' );
	}

	/** The admin-post.php handler: save, then test the connection or register the webhook when asked. */
	public function handle( string $action ): void {
		unset( $action );
		if ( ! current_user_can( Plugin::CAP_MANAGE ) ) {
			wp_die( esc_html__( 'Sorry, you are not allowed to manage the Calendly sync.', 'tfsp-calendly-sync' ), '', array( 'response' => 403 ) );
		}
		check_admin_referer( self::ACTION );
		Notices::refuse_without_core( self::SLUG ); // Secrets are sealed and Calendly is asked by the core.
		$posted = isset( $_POST['tfsp'] ) && is_array( $_POST['tfsp'] ) ? wp_unslash( $_POST['tfsp'] ) : array();
		$bools  = isset( $_POST['tfsp_bools'] ) && is_array( $_POST['tfsp_bools'] ) ? array_map( 'sanitize_key', wp_unslash( $_POST['tfsp_bools'] ) ) : array();
		$errors = 0;
		$set    = function ( string $name, $value ) use ( &$errors ): void {
			$result = $this->settings()->set( $name, $value );
			if ( is_wp_error( $result ) ) {
				++$errors;
				Notices::add( 'error', $result->get_error_message() );
			}
		};
		foreach ( array_merge( self::FIELDS['connection'], self::FIELDS['sync'], self::FIELDS['mails'] ) as $name ) {
			if ( $this->settings()->is_pinned( $name ) ) {
				continue;
			}
			$def = $this->settings()->definitions()[ $name ];
			if ( 'bool' === $def['type'] ) {
				if ( in_array( $name, $bools, true ) ) {
					$set( $name, ! empty( $posted[ $name ] ) );
				}
				continue;
			}
			if ( ! isset( $posted[ $name ] ) || ! is_string( $posted[ $name ] ) ) {
				continue;
			}
			$value = trim( $posted[ $name ] );
			if ( $def['secret'] && '' === $value ) {
				continue; // Empty keeps the stored secret.
			}
			$set( $name, $def['secret'] ? $value : sanitize_text_field( $value ) );
		}
		$app_key = isset( $_POST['tfsp_app_signing_key'] ) && is_string( $_POST['tfsp_app_signing_key'] ) ? trim( wp_unslash( $_POST['tfsp_app_signing_key'] ) ) : ''; // phpcs:ignore WordPress.Security.ValidatedSanitizedInput.InputNotSanitized -- a secret, validated by Settings.
		if ( '' !== $app_key ) {
			$set( 'signing_key', $app_key );
		}
		if ( ! empty( $_POST['tfsp_event_types_shown'] ) && ! $this->settings()->is_pinned( 'event_types' ) ) {
			$types = isset( $_POST['tfsp_event_types'] ) && is_array( $_POST['tfsp_event_types'] ) ? array_map( 'esc_url_raw', wp_unslash( $_POST['tfsp_event_types'] ) ) : array();
			$types = array_values( array_filter( $types ) );
			$set( 'event_types', $types );
			try {
				// Existing rows follow the new choice: other types leave the lists and counts.
				$this->plugin->sync()->reevaluate_types();
			} catch ( DatabaseError $e ) {
				++$errors;
				Notices::add( 'error', __( 'The event types were saved, but existing sessions could not be re-evaluated because of a database error; save again.', 'tfsp-calendly-sync' ) );
			}
		}
		if ( 0 === $errors ) {
			Notices::add( 'success', __( 'Settings saved.', 'tfsp-calendly-sync' ) );
		}

		if ( isset( $_POST['tfsp_connect'] ) ) {
			$this->test_connection();
		} elseif ( isset( $_POST['tfsp_register'] ) ) {
			$result = $this->plugin->connection()->register( null );
			if ( is_wp_error( $result ) ) {
				/* translators: %s: error */
				Notices::add( 'error', sprintf( __( 'The webhook could not be registered: %s', 'tfsp-calendly-sync' ), $result->get_error_message() ) );
			} else {
				/* translators: %s: subscription URI */
				Notices::add( 'success', sprintf( __( 'Webhook registered: %s', 'tfsp-calendly-sync' ), (string) $result['uri'] ) );
				if ( ! empty( $result['left_in_calendly'] ) ) {
					/* translators: 1: subscription URI, 2: its callback URL */
					Notices::add( 'warning', sprintf( __( 'The older subscription %1$s, made for %2$s, was left in Calendly because it is not for this site\'s URL. Delete it in Calendly once no site uses it.', 'tfsp-calendly-sync' ), (string) $result['left_in_calendly']['uri'], (string) $result['left_in_calendly']['callback_url'] ) );
				}
				$this->plugin->health_check()->run();
			}
		}
		Notices::redirect( self::SLUG );
	}

	private function test_connection(): void {
		$result = $this->plugin->connection()->connect( null );
		$record = array( 'at' => time() );
		if ( is_wp_error( $result ) ) {
			$record += array(
				'ok'    => false,
				'error' => $result->get_error_message(),
			);
			/* translators: %s: error */
			Notices::add( 'error', sprintf( __( 'The connection test failed: %s', 'tfsp-calendly-sync' ), $result->get_error_message() ) );
		} else {
			$record += array( 'ok' => true ) + $result;
			/* translators: %s: Calendly user's name */
			Notices::add( 'success', sprintf( __( 'Connected to Calendly as %s.', 'tfsp-calendly-sync' ), (string) $result['name'] ) );
		}
		try {
			$this->plugin->settings_repository()->put( '_connection_test', (string) wp_json_encode( $record ) );
		} catch ( DatabaseError $e ) {
			Notices::add( 'error', __( 'The test result could not be stored because of a database error.', 'tfsp-calendly-sync' ) );
		}
	}

	private function last_test(): ?array {
		$raw  = $this->plugin->settings_repository()->find_quietly( '_connection_test' );
		$test = null === $raw ? null : json_decode( $raw, true );
		return is_array( $test ) ? $test : null;
	}

	/** "pinned", "stored", "unreadable", "no_extension" (stored, but only the core opens it) or "empty". */
	private function secret_state( string $name ): string {
		if ( $this->settings()->is_pinned( $name ) ) {
			return 'pinned';
		}
		try {
			$value = $this->settings()->get( $name );
		} catch ( SecretUnavailable $e ) {
			return 'no_extension' === $e->reason ? 'no_extension' : 'unreadable';
		} catch ( DatabaseError $e ) {
			return 'unreadable';
		}
		return ( is_array( $value ) ? $value : ( '' === (string) $value ? array() : array( $value ) ) ) ? 'stored' : 'empty';
	}

	private function secret_state_label( string $name ): string {
		$labels = array(
			'pinned'       => __( 'pinned in wp-config.php', 'tfsp-calendly-sync' ),
			'stored'       => __( 'stored', 'tfsp-calendly-sync' ),
			'unreadable'   => __( 'cannot be opened: re-enter', 'tfsp-calendly-sync' ),
			'no_extension' => __( 'stored; it opens once the calsync extension is loaded again', 'tfsp-calendly-sync' ),
			'empty'        => __( 'not set', 'tfsp-calendly-sync' ),
		);
		return $labels[ $this->secret_state( $name ) ];
	}

	private function pinned_note( string $name ): void {
		if ( $this->settings()->is_pinned( $name ) ) {
			/* translators: %s: constant name */
			echo '<p class="description tfsp-calendly-pinned">' . esc_html( sprintf( __( 'Pinned by %s in wp-config.php; change it there.', 'tfsp-calendly-sync' ), Settings::constant_name( $name ) ) ) . '</p>';
		}
	}

	private function bool_hint( string $name ): string {
		$hints = array(
			'two_way_no_show'          => __( 'A no-show marked here is also marked in Calendly, and clearing it here deletes it there.', 'tfsp-calendly-sync' ),
			'coaches_enter_sessions'   => __( 'Coaches may enter a session they held outside Calendly (for themselves only); administrators always may.', 'tfsp-calendly-sync' ),
			'link_new_accounts'        => __( 'Nobody verifies the e-mail a booker types. Earlier bookings are linked to an account of their e-mail on their own only when someone vouched for the address: an admin created the account or changed its e-mail, or the user confirmed a new e-mail from the link WordPress mailed to it. On: self-registered accounts and unconfirmed e-mail changes are linked too. Off: their bookings wait in Unmatched bookings as "exact e-mail, unconfirmed account" until an admin links them. Default: on unless anyone can register (Settings, General, Membership).', 'tfsp-calendly-sync' ),
			'send_students_to_portal'  => __( 'A student (a user who cannot mark attendance or edit posts) who logs in without asking for another page lands on the first published page that holds the "Coaching sessions" block or the [tfsp_coaching_sessions] shortcode. Default: on for new installs.', 'tfsp-calendly-sync' ),
			'nudge_book_next'          => __( 'Daily: a student below the required sessions, with none coming up, whose latest session ended the days below ago (or who never had one) gets one e-mail with the scheduling link, once per latest session. Default: on for new installs.', 'tfsp-calendly-sync' ),
			'nudge_requirement_met'    => __( 'A student whose attended sessions reach the required number gets one e-mail saying so. Default: on for new installs.', 'tfsp-calendly-sync' ),
			'delete_data_on_uninstall' => __( 'Uninstalling the plugin drops its tables and the sessions it created. Off: everything stays.', 'tfsp-calendly-sync' ),
		);
		return $hints[ $name ] ?? '';
	}
}
