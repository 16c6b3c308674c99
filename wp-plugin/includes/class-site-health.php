<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Tools > Site Health: the plugin's section of the debug information (the
 * versions of the plugin, the extension and its libraries; the mode, the
 * subscription, the last verified delivery, the last cron run) and its
 * tests: the extension, the stored secrets and the migration, an active
 * subscription, WP-Cron running, and a webhook URL that is HTTPS without
 * redirects.  Works without the extension (it reads stored state).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

use TFSP\CalendlySync\Cron\HealthCheck;

defined( 'ABSPATH' ) || exit;

final class SiteHealth {

	/** Setting: when the five-minute progress job last ran (UTC, RFC 3339). */
	public const CRON_LAST_RUN = '_cron_last_run';

	/** A scheduled event this much past due means nothing runs WP-Cron. */
	private const CRON_LATE = 15 * MINUTE_IN_SECONDS;

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	public function register(): void {
		add_filter( 'debug_information', array( $this, 'debug_information' ) );
		add_filter( 'site_status_tests', array( $this, 'tests' ) );
	}

	/**
	 * @param array $info The debug information sections.
	 * @return array
	 */
	public function debug_information( $info ) {
		$health   = $this->snapshot();
		$versions = Plugin::requirements_met() && class_exists( '\\Calsync\\Info', false ) ? \Calsync\Info::versions() : array();
		$loaded   = phpversion( 'calsync' );
		$none     = __( 'not loaded', 'tfsp-calendly-sync' );
		$last     = $health['deliveries']['last_verified_at'] ?? null;
		$cron     = $this->plugin->internal_setting( self::CRON_LAST_RUN );

		$info['tfsp-calendly-sync'] = array(
			'label'  => __( 'Calendly Sync', 'tfsp-calendly-sync' ),
			'fields' => array(
				'plugin_version'    => array(
					'label' => __( 'Plugin version', 'tfsp-calendly-sync' ),
					'value' => TFSP_CALENDLY_SYNC_VERSION,
				),
				'extension_version' => array(
					'label' => __( 'calsync extension', 'tfsp-calendly-sync' ),
					'value' => false === $loaded ? $none : $loaded . ' (' . self::extension_label( Plugin::extension_status() ) . ')',
					'debug' => false === $loaded ? 'not loaded' : $loaded . ' ' . Plugin::extension_status(),
				),
				'jansson_version'   => array(
					'label' => __( 'jansson', 'tfsp-calendly-sync' ),
					'value' => $versions['jansson'] ?? $none,
				),
				'libcurl_version'   => array(
					'label' => __( 'libcurl', 'tfsp-calendly-sync' ),
					'value' => $versions['libcurl'] ?? $none,
				),
				'openssl_version'   => array(
					'label' => __( 'OpenSSL', 'tfsp-calendly-sync' ),
					'value' => $versions['openssl'] ?? $none,
				),
				'mode'              => array(
					'label' => __( 'Mode', 'tfsp-calendly-sync' ),
					'value' => null === $health ? __( 'not checked yet', 'tfsp-calendly-sync' ) : (string) ( $health['mode'] ?? 'webhooks' ),
				),
				'subscription'      => array(
					'label' => __( 'Webhook subscription', 'tfsp-calendly-sync' ),
					'value' => (string) ( $health['subscription']['state'] ?? __( 'not checked yet', 'tfsp-calendly-sync' ) ),
				),
				'last_delivery'     => array(
					'label' => __( 'Last verified delivery', 'tfsp-calendly-sync' ),
					'value' => is_string( $last ) ? $last : __( 'none yet', 'tfsp-calendly-sync' ),
				),
				'last_cron_run'     => array(
					'label' => __( 'Last cron run', 'tfsp-calendly-sync' ),
					'value' => null === $cron ? __( 'none yet', 'tfsp-calendly-sync' ) : $cron,
				),
				'term'              => array(
					'label' => __( 'Current term', 'tfsp-calendly-sync' ),
					'value' => $this->term_summary(),
				),
			),
		);
		return $info;
	}

	/**
	 * @param array $tests Site Health tests.
	 * @return array
	 */
	public function tests( $tests ) {
		foreach ( array(
			'extension'    => __( 'Calendly Sync: the calsync extension', 'tfsp-calendly-sync' ),
			'secrets'      => __( 'Calendly Sync secrets and database', 'tfsp-calendly-sync' ),
			'subscription' => __( 'Calendly Sync: webhook subscription', 'tfsp-calendly-sync' ),
			'cron'         => __( 'Calendly Sync: scheduled jobs', 'tfsp-calendly-sync' ),
			'webhook_url'  => __( 'Calendly Sync: webhook URL', 'tfsp-calendly-sync' ),
			'terms'        => __( 'Calendly Sync: the current term', 'tfsp-calendly-sync' ),
			'oauth'        => __( 'Calendly Sync: connection', 'tfsp-calendly-sync' ),
		) as $name => $label ) {
			$tests['direct'][ 'tfsp_calendly_' . $name ] = array(
				'label' => $label,
				'test'  => array( $this, 'test_' . $name ),
			);
		}
		return $tests;
	}

	/** The extension: missing or too old is critical, newer than the plugin knows is recommended. */
	public function test_extension(): array {
		$status  = Plugin::extension_status();
		$version = (string) phpversion( 'calsync' );
		switch ( $status ) {
			case 'missing':
				return $this->result( 'extension', 'critical', __( 'The calsync PHP extension is not loaded', 'tfsp-calendly-sync' ), __( 'Students still see their sessions and progress, but nothing is synced with Calendly: webhooks are answered 503 (Calendly retries them for 24 hours), and marks and links are refused. After a PHP upgrade the extension must be built and installed again (docs/upgrade.md).', 'tfsp-calendly-sync' ) );
			case 'too_old':
				/* translators: 1: loaded version, 2: oldest version the plugin works with */
				return $this->result( 'extension', 'critical', __( 'The calsync PHP extension is too old', 'tfsp-calendly-sync' ), sprintf( __( 'The loaded extension is version %1$s; this plugin needs %2$s or later, and until then treats it as missing.', 'tfsp-calendly-sync' ), $version, Plugin::EXTENSION_MIN ) );
			case 'newer':
				/* translators: 1: loaded version, 2: the plugin's version */
				return $this->result( 'extension', 'recommended', __( 'The calsync PHP extension is newer than the plugin', 'tfsp-calendly-sync' ), sprintf( __( 'The loaded extension is version %1$s and the plugin %2$s. It works; update the plugin to the same version when you can.', 'tfsp-calendly-sync' ), $version, TFSP_CALENDLY_SYNC_VERSION ) );
		}
		/* translators: %s: version */
		return $this->result( 'extension', 'good', __( 'The calsync PHP extension is loaded', 'tfsp-calendly-sync' ), sprintf( __( 'Version %s, the one this plugin was released with.', 'tfsp-calendly-sync' ), $version ) );
	}

	/** Stored secrets that no longer open, and a failed migration, with what to do. */
	public function test_secrets(): array {
		$error    = $this->plugin->internal_setting( '_schema_error' );
		$problems = Plugin::requirements_met() ? $this->plugin->settings()->health() : array(); // Only the core opens them.
		if ( ! $problems && null === $error ) {
			return $this->result( 'secrets', 'good', __( 'Calendly Sync secrets can be read', 'tfsp-calendly-sync' ), Plugin::requirements_met() ? __( 'The access token and the webhook signing key open with the current sealing key.', 'tfsp-calendly-sync' ) : __( 'The secrets are checked once the calsync extension is loaded.', 'tfsp-calendly-sync' ) );
		}
		$text = '';
		foreach ( $problems as $problem ) {
			$text .= $problem['message'] . ' ' . $problem['action'] . ' ';
		}
		if ( null !== $error ) {
			/* translators: %s: database error */
			$text .= sprintf( __( 'The database upgrade failed: %s', 'tfsp-calendly-sync' ), $error );
		}
		return $this->result( 'secrets', 'critical', __( 'Calendly Sync needs attention', 'tfsp-calendly-sync' ), trim( $text ) );
	}

	/** The webhook subscription as the health check last saw it. */
	public function test_subscription(): array {
		$health = $this->snapshot();
		$state  = (string) ( $health['subscription']['state'] ?? 'unknown' );
		if ( 'active' === $state ) {
			return $this->result( 'subscription', 'good', __( 'The Calendly webhook subscription is active', 'tfsp-calendly-sync' ), __( 'Calendly sends bookings, cancellations and no-shows to this site as they happen.', 'tfsp-calendly-sync' ) );
		}
		if ( 'refused' === $state ) {
			return $this->result( 'subscription', 'recommended', __( 'Calendly Sync polls instead of receiving webhooks', 'tfsp-calendly-sync' ), __( 'Calendly refuses webhook subscriptions for this account (its plan), so changes arrive by polling every 15 minutes, not at once.', 'tfsp-calendly-sync' ) );
		}
		/* translators: %s: subscription state */
		return $this->result( 'subscription', 'critical', __( 'The Calendly webhook subscription is not active', 'tfsp-calendly-sync' ), sprintf( __( 'Its state is "%s". Connect Calendly and register the webhook on the Calendly Sync settings page; the Sync page says what the last health check found.', 'tfsp-calendly-sync' ), $state ) );
	}

	/** What progress counts now: the current term (its end and requirement), the last one between terms, or all time. */
	private function term_summary(): string {
		$progress = $this->plugin->progress();
		$scope    = $progress->scope();
		if ( null === $scope['term'] ) {
			/* translators: %d: sessions required */
			$line = sprintf( __( 'none: progress counts every attended session toward %d', 'tfsp-calendly-sync' ), $progress->required() );
			$next = Terms::next_phrase( $scope );
			return null === $next ? $line : $line . '. ' . $next;
		}
		return (string) Admin\ProgressPage::term_line( $scope, $progress->required() );
	}

	/** Terms: good while one is under way or none is defined; between terms students have nothing to reach. */
	public function test_terms(): array {
		$scope = $this->plugin->progress()->scope();
		if ( 'current' === $scope['state'] || null === $scope['term'] && null === $scope['next'] ) {
			return $this->result( 'terms', 'good', __( 'Calendly Sync counts progress for the current term', 'tfsp-calendly-sync' ), $this->term_summary() );
		}
		return $this->result( 'terms', 'recommended', __( 'No Calendly Sync term is under way', 'tfsp-calendly-sync' ), $this->term_summary() . ' ' . __( 'Students see the last term\'s result until the next term begins; add or extend a term on the Terms & cohorts page.', 'tfsp-calendly-sync' ) );
	}

	/** WP-Cron runs: none of the plugin's scheduled jobs is long past due. */
	public function test_cron(): array {
		$late = array();
		foreach ( array_merge( Plugin::CORE_JOBS, array( Cron\Retention::HOOK, Progress::REFRESH_HOOK ) ) as $hook ) {
			$next = wp_next_scheduled( $hook );
			if ( false !== $next && $next < time() - self::CRON_LATE ) {
				$late[] = $hook;
			}
		}
		if ( ! $late ) {
			return $this->result( 'cron', 'good', __( 'The Calendly Sync jobs run on time', 'tfsp-calendly-sync' ), __( 'Retries, look-ups, the health check and the progress totals run on their schedules.', 'tfsp-calendly-sync' ) );
		}
		/* translators: %s: job hooks */
		return $this->result( 'cron', 'recommended', __( 'WP-Cron does not seem to run', 'tfsp-calendly-sync' ), sprintf( __( 'These jobs are more than 15 minutes late: %s. WP-Cron runs only when the site gets visits; on a quiet site call wp-cron.php once a minute from the server\'s crontab (README).', 'tfsp-calendly-sync' ), implode( ', ', $late ) ) );
	}

	/** The connection in use; an OAuth connection that Calendly refused to renew is critical. */
	public function test_oauth(): array {
		$oauth = $this->plugin->oauth();
		$mode  = $oauth->mode();
		if ( 'oauth' === $mode ) {
			$broken = $oauth->broken();
			if ( null !== $broken ) {
				return $this->result( 'oauth', 'critical', __( 'The Calendly OAuth connection is broken', 'tfsp-calendly-sync' ), $broken['message'] );
			}
			if ( Plugin::requirements_met() && null === $oauth->summary() ) {
				return $this->result( 'oauth', 'critical', __( 'The Calendly OAuth tokens cannot be opened', 'tfsp-calendly-sync' ), __( 'The stored OAuth tokens no longer open: the WordPress salts or TFSP_CALENDLY_SEAL_KEY changed since they were saved. Connect with Calendly again on the Calendly settings page.', 'tfsp-calendly-sync' ) );
			}
			return $this->result( 'oauth', 'good', __( 'Calendly is connected by OAuth', 'tfsp-calendly-sync' ), __( 'The plugin uses the OAuth connection ("Connect with Calendly") and renews its access token before it expires.', 'tfsp-calendly-sync' ) );
		}
		if ( 'token' === $mode ) {
			return $this->result( 'oauth', 'good', __( 'Calendly is connected by a personal access token', 'tfsp-calendly-sync' ), __( 'The plugin uses the personal access token stored in its settings.', 'tfsp-calendly-sync' ) );
		}
		return $this->result( 'oauth', 'recommended', __( 'Calendly is not connected', 'tfsp-calendly-sync' ), __( 'Connect with Calendly or enter a personal access token on the Calendly settings page.', 'tfsp-calendly-sync' ) );
	}

	/** The webhook URL: HTTPS, answered without a redirect (Calendly does not follow one). */
	public function test_webhook_url(): array {
		$url  = Connection::webhook_url();
		$host = (string) wp_parse_url( $url, PHP_URL_HOST );
		if ( in_array( $host, array( 'localhost', '127.0.0.1', '::1', '[::1]' ), true ) || str_starts_with( $host, '127.' ) ) {
			/* translators: %s: URL */
			return $this->result( 'webhook_url', 'recommended', __( 'The webhook URL is on loopback: a development stack', 'tfsp-calendly-sync' ), sprintf( __( 'The webhook URL is %s. Calendly cannot reach it; that is right for a development stack with the fake Calendly, not for a live site.', 'tfsp-calendly-sync' ), $url ) );
		}
		if ( 'https' !== wp_parse_url( $url, PHP_URL_SCHEME ) ) {
			/* translators: %s: URL */
			return $this->result( 'webhook_url', 'recommended', __( 'The webhook URL is not HTTPS', 'tfsp-calendly-sync' ), sprintf( __( 'The webhook URL is %s. Serve the site over HTTPS, so that bookings travel encrypted.', 'tfsp-calendly-sync' ), $url ) );
		}
		// A GET, not a POST: an unsigned POST would count as a failed verification (and toward
		// the rate limit) of the site's own address.  A redirect answers either method alike.
		$answer = wp_remote_get(
			$url,
			array(
				'redirection' => 0,
				'timeout'     => 5,
			)
		);
		$code = is_wp_error( $answer ) ? 0 : (int) wp_remote_retrieve_response_code( $answer );
		if ( $code >= 300 && $code < 400 ) {
			/* translators: 1: URL, 2: HTTP status, 3: redirect target */
			return $this->result( 'webhook_url', 'recommended', __( 'The webhook URL redirects', 'tfsp-calendly-sync' ), sprintf( __( '%1$s answers %2$d to %3$s. Calendly does not follow redirects: fix the site address or the permalinks, then register the webhook again.', 'tfsp-calendly-sync' ), $url, $code, (string) wp_remote_retrieve_header( $answer, 'location' ) ) );
		}
		/* translators: %s: URL */
		return $this->result( 'webhook_url', 'good', __( 'The webhook URL is HTTPS without redirects', 'tfsp-calendly-sync' ), sprintf( __( 'Calendly delivers to %s.', 'tfsp-calendly-sync' ), $url ) );
	}

	/** Records a run of the five-minute progress job, for "Last cron run". */
	public function record_cron_run(): void {
		try {
			$this->plugin->settings_repository()->put( self::CRON_LAST_RUN, gmdate( 'Y-m-d\TH:i:s\Z' ) );
		} catch ( DatabaseError $e ) {
			unset( $e ); // The next run records it.
		}
	}

	private function snapshot(): ?array {
		return HealthCheck::snapshot( $this->plugin->settings_repository() );
	}

	private static function extension_label( string $status ): string {
		$labels = array(
			'ok'      => __( 'the plugin\'s own version', 'tfsp-calendly-sync' ),
			'newer'   => __( 'newer than the plugin', 'tfsp-calendly-sync' ),
			'too_old' => __( 'too old: treated as missing', 'tfsp-calendly-sync' ),
			'missing' => __( 'not loaded', 'tfsp-calendly-sync' ),
		);
		return $labels[ $status ] ?? $status;
	}

	/** A Site Health result; the actions link to the Sync page. */
	private function result( string $test, string $status, string $label, string $description ): array {
		return array(
			'label'       => $label,
			'status'      => $status,
			'badge'       => array(
				'label' => __( 'Calendly Sync', 'tfsp-calendly-sync' ),
				'color' => 'good' === $status ? 'blue' : ( 'critical' === $status ? 'red' : 'orange' ),
			),
			'description' => '<p>' . esc_html( $description ) . '</p>',
			'actions'     => '<p><a href="' . esc_url( admin_url( 'admin.php?page=' . Admin\SyncPage::SLUG ) ) . '">' . esc_html__( 'Open the Calendly Sync page', 'tfsp-calendly-sync' ) . '</a></p>',
			'test'        => 'tfsp_calendly_' . $test,
		);
	}
}
