<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The plugin's composition root: builds the repositories and services once, wires the hooks,
 * and runs activation and upgrades.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

use TFSP\CalendlySync\Cron\HealthCheck;
use TFSP\CalendlySync\Cron\Retention;
use TFSP\CalendlySync\Cron\RetryFailedDeliveries;
use TFSP\CalendlySync\Cron\StaleLookup;
use TFSP\CalendlySync\Rest\BackfillController;
use TFSP\CalendlySync\Rest\HealthController;
use TFSP\CalendlySync\Rest\PingController;
use TFSP\CalendlySync\Rest\WebhookController;

defined( 'ABSPATH' ) || exit;

final class Plugin {

	public const CAP_MANAGE          = 'tfsp_calendly_manage';
	public const CAP_MARK_ATTENDANCE = 'tfsp_calendly_mark_attendance';
	/** See and mark every session, not only those one hosts (lead coaches and admins). */
	public const CAP_MARK_ANY        = 'tfsp_calendly_mark_any_session';
	public const COACH_ROLE          = 'tfsp_coach';
	public const LEAD_COACH_ROLE     = 'tfsp_lead_coach';
	public const RETRY_SCHEDULE      = 'tfsp_calendly_five_minutes';

	/** Setting key prefix: when a job that needs the core was last skipped without it. */
	private const JOB_SKIPPED = '_job_skipped:';

	/** The scheduled jobs that need the core (the others only read, mail or delete). */
	public const CORE_JOBS = array( RetryFailedDeliveries::HOOK, HealthCheck::HOOK, StaleLookup::HOOK, Backfill::HOOK );

	private static ?Plugin $instance = null;

	private \wpdb $db;

	/** @var array<string,object> Services built on first use. */
	private array $services = array();

	public static function instance(): self {
		if ( null === self::$instance ) {
			global $wpdb;
			self::$instance = new self( $wpdb );
		}
		return self::$instance;
	}

	private function __construct( \wpdb $db ) {
		$this->db = $db;
	}

	/**
	 * The oldest calsync extension this plugin works with: an older one is
	 * treated as missing (it lacks the stored answers' chain standing).
	 */
	public const EXTENSION_MIN = '0.2.0';

	/**
	 * The newest calsync extension this plugin was released with (= VERSION,
	 * checked by scripts/lint versions).  A newer one works; Site Health
	 * recommends updating the plugin to match it.
	 */
	public const EXTENSION_NEWEST = '0.2.0';

	/**
	 * The calsync extension as the plugin sees it: 'missing' (not loaded),
	 * 'too_old' (loaded, older than EXTENSION_MIN: treated as missing),
	 * 'newer' (newer than EXTENSION_NEWEST: works) or 'ok'.
	 */
	public static function extension_status(): string {
		return self::classify_extension( phpversion( 'calsync' ) );
	}

	/**
	 * extension_status() of a loaded extension's version (false: none loaded).
	 *
	 * @param string|false $version What phpversion( 'calsync' ) answers.
	 */
	public static function classify_extension( $version ): string {
		if ( ! is_string( $version ) ) {
			return 'missing';
		}
		if ( version_compare( $version, self::EXTENSION_MIN, '<' ) ) {
			return 'too_old';
		}
		return version_compare( $version, self::EXTENSION_NEWEST, '>' ) ? 'newer' : 'ok';
	}

	/** The requirement gate: the calsync extension (the core), EXTENSION_MIN or newer, is loaded. */
	public static function requirements_met(): bool {
		return in_array( self::extension_status(), array( 'ok', 'newer' ), true );
	}

	/**
	 * Writes that need a core decision ask this first: without the core, the
	 * "no_extension" error of the error table (503 in REST, a notice in
	 * wp-admin); null with it.
	 */
	public static function core_missing(): ?PluginError {
		return self::requirements_met() ? null : new PluginError( 'no_extension', 'the calsync PHP extension is not loaded' );
	}

	/**
	 * Reads are served without the core when the database holds this
	 * version's schema (the core's answers are stored with each row); after
	 * an upgrade of the plugin the migration needs the core first.
	 */
	public function schema_current(): bool {
		return $this->internal_setting( '_installed_version' ) === self::installed_version_marker();
	}

	/**
	 * A scheduled job that needs the core: run, or without the core skipped
	 * and recorded (the Sync page lists skipped jobs until they run again).
	 */
	public function core_job( string $hook, callable $run ): void {
		$key  = self::JOB_SKIPPED . $hook;
		$core = self::requirements_met();
		try {
			if ( ! $core ) {
				$this->settings_repository()->put( $key, gmdate( 'Y-m-d\TH:i:s\Z' ) );
			} elseif ( null !== $this->settings_repository()->find_quietly( $key ) ) {
				$this->settings_repository()->delete( $key );
			}
		} catch ( DatabaseError $e ) {
			unset( $e ); // The job itself meets the database error, or the next run records the skip.
		}
		if ( $core ) {
			$run();
		}
	}

	/**
	 * The jobs skipped for want of the core: hook => when last skipped (UTC, RFC 3339).
	 *
	 * @return array<string,string>
	 */
	public function skipped_jobs(): array {
		$out = array();
		foreach ( self::CORE_JOBS as $hook ) {
			$at = $this->settings_repository()->find_quietly( self::JOB_SKIPPED . $hook );
			if ( null !== $at ) {
				$out[ $hook ] = $at;
			}
		}
		return $out;
	}

	public function settings(): Settings {
		return $this->service( 'settings', fn() => new Settings( $this->settings_repository(), $this->secrets() ) );
	}

	public function secrets(): Secrets {
		return $this->service( 'secrets', fn() => new Secrets() );
	}

	public function schema(): Schema {
		return $this->service( 'schema', fn() => new Schema( $this->db, $this->settings_repository(), $this->session_writer(), $this->database(), $this->legacy_sessions() ) );
	}

	public function sync(): SessionSync {
		return $this->service( 'sync', fn() => new SessionSync( $this->database(), $this->sessions(), $this->session_writer(), $this->ledger(), $this->users(), $this->settings() ) );
	}

	public function database(): Database {
		return $this->service( 'database', fn() => new Database( $this->db ) );
	}

	public function settings_repository(): SettingsRepository {
		return $this->service( 'settings_repository', fn() => new SettingsRepository( $this->db ) );
	}

	public function sessions(): SessionRepository {
		return $this->service( 'sessions', fn() => new SessionRepository( $this->db ) );
	}

	/** The rows from before the plugin, given their facts (migration step 12, the progress refresh). */
	public function legacy_sessions(): LegacySessions {
		return $this->service( 'legacy_sessions', fn() => new LegacySessions( $this->db, $this->sessions(), $this->session_writer(), $this->database(), $this->settings_repository() ) );
	}

	/** The one writer of the sessions table. */
	public function session_writer(): SessionWriter {
		return $this->service( 'session_writer', fn() => new SessionWriter( $this->db, $this->sessions(), $this->audit(), $this->database() ) );
	}

	/** The lists of sessions (admin pages, REST). */
	public function session_list(): SessionListRepository {
		return $this->service( 'session_list', fn() => new SessionListRepository( $this->db ) );
	}

	public function progress(): Progress {
		return $this->service( 'progress', fn() => new Progress( $this->progress_repository(), $this->settings(), $this->terms() ) );
	}

	/** The program's terms and cohorts (Terms & cohorts page, progress per term). */
	public function terms(): Terms {
		return $this->service( 'terms', fn() => new Terms( $this->term_repository(), $this->database() ) );
	}

	public function term_repository(): TermRepository {
		return $this->service( 'term_repository', fn() => new TermRepository( $this->db ) );
	}

	public function report_repository(): ReportRepository {
		return $this->service( 'report_repository', fn() => new ReportRepository( $this->db ) );
	}

	/** The Reports page's figures. */
	public function reports(): Reports {
		return $this->service( 'reports', fn() => new Reports( $this->report_repository(), $this->term_repository(), $this->progress(), $this->settings(), $this->settings_repository() ) );
	}

	/** The job that keeps the Reports page's per-day summary. */
	public function report_days(): Cron\ReportDays {
		return $this->service( 'report_days', fn() => new Cron\ReportDays( $this->database(), $this->report_repository(), $this->session_writer(), $this->settings_repository() ) );
	}

	public function progress_repository(): ProgressRepository {
		return $this->service( 'progress_repository', fn() => new ProgressRepository( $this->db, $this->term_repository() ) );
	}

	/** The time zone each student reads their times in (the portal, the student mails). */
	public function reader_time_zone(): ReaderTimeZone {
		return $this->service( 'reader_time_zone', fn() => new ReaderTimeZone( $this->progress_repository() ) );
	}

	public function coach_reminders(): Cron\CoachReminders {
		return $this->service( 'coach_reminders', fn() => new Cron\CoachReminders( $this->database(), $this->progress_repository(), $this->settings(), $this->settings_repository() ) );
	}

	/** The student mails: the daily "book your next session" job and the requirement-met mail. */
	public function student_nudges(): Cron\StudentNudges {
		return $this->service( 'student_nudges', fn() => new Cron\StudentNudges( $this->database(), $this->progress_repository(), $this->notifications(), $this->settings(), $this->settings_repository(), $this->progress(), $this->reader_time_zone() ) );
	}

	public function notifications(): NotificationRepository {
		return $this->service( 'notifications', fn() => new NotificationRepository( $this->db ) );
	}

	/** The ledger's list (Sync page). */
	public function ledger_list(): LedgerListRepository {
		return $this->service( 'ledger_list', fn() => new LedgerListRepository( $this->db ) );
	}

	public function site_health(): SiteHealth {
		return $this->service( 'site_health', fn() => new SiteHealth( $this ) );
	}

	public function privacy(): Privacy {
		return $this->service( 'privacy', fn() => new Privacy( new PrivacyRepository( $this->db ), $this->session_writer(), $this->notifications(), $this->term_repository() ) );
	}

	public function ledger(): LedgerRepository {
		return $this->service( 'ledger', fn() => new LedgerRepository( $this->db ) );
	}

	public function audit(): AuditRepository {
		return $this->service( 'audit', fn() => new AuditRepository( $this->db ) );
	}

	public function throttle(): ThrottleRepository {
		return $this->service( 'throttle', fn() => new ThrottleRepository( $this->db ) );
	}

	public function counters(): CounterRepository {
		return $this->service( 'counters', fn() => new CounterRepository( $this->db ) );
	}

	public function users(): UserRepository {
		return $this->service( 'users', fn() => new UserRepository( $this->db ) );
	}

	/** Matching of accounts to sessions after the fact, and release of a deleted user's sessions. */
	public function user_matcher(): UserMatcher {
		return $this->service( 'user_matcher', fn() => new UserMatcher( $this->database(), new SessionMatchRepository( $this->db ), $this->session_writer(), $this->users() ) );
	}

	/** The Calendly API: the only builder of Calsync\Client. */
	public function api(): Api {
		return $this->service( 'api', fn() => new Api( $this->settings(), HealthCheck::on_api_error( $this->alerts(), $this->settings_repository() ), 65000, $this->outbound(), $this->oauth() ) );
	}

	/** "Connect with Calendly": the OAuth flow, its sealed tokens and their refresh. */
	public function oauth(): Oauth {
		return $this->service( 'oauth', fn() => new Oauth( $this->settings(), $this->settings_repository(), $this->secrets(), $this->database(), $this->outbound(), $this->alerts(), new OauthStateRepository( $this->db ) ) );
	}

	/** WordPress's outbound proxy and blocked-host rules, for every Calsync client (API and auth base). */
	public function outbound(): Outbound {
		return $this->service( 'outbound', fn() => new Outbound() );
	}

	public function alerts(): Alerts {
		return $this->service( 'alerts', fn() => new Alerts( $this->settings_repository(), $this->settings() ) );
	}

	public function connection(): Connection {
		return $this->service( 'connection', fn() => new Connection( $this->settings(), $this->settings_repository(), $this->api(), $this->alerts(), $this->oauth() ) );
	}

	public function backfills(): BackfillRepository {
		return $this->service( 'backfills', fn() => new BackfillRepository( $this->db ) );
	}

	public function seen_events(): SeenEventRepository {
		return $this->service( 'seen_events', fn() => new SeenEventRepository( $this->db ) );
	}

	public function backfill(): Backfill {
		return $this->service( 'backfill', fn() => new Backfill( $this->database(), $this->backfills(), $this->seen_events(), $this->sync(), $this->api(), $this->settings(), $this->settings_repository(), $this->alerts() ) );
	}

	public function health_check(): HealthCheck {
		return $this->service( 'health_check', fn() => new HealthCheck( $this->database(), $this->settings(), $this->settings_repository(), $this->api(), $this->connection(), $this->ledger(), $this->backfills(), $this->backfill(), $this->alerts() ) );
	}

	/** An admin's links and unlinks of sessions to students (Unmatched page and REST). */
	public function student_links(): StudentLinks {
		return $this->service( 'student_links', fn() => new StudentLinks( $this->database(), $this->session_list(), $this->session_writer(), $this->users() ) );
	}

	/** Coach marks (the admin's marking screen calls this). */
	public function attendance(): Attendance {
		return $this->service( 'attendance', fn() => new Attendance( $this->database(), $this->sessions(), $this->session_writer(), $this->audit(), $this->settings(), $this->api(), $this->session_access() ) );
	}

	/** Sessions entered by hand (the Add-session form and the sessions REST routes). */
	public function hand_entries(): HandEntries {
		return $this->service( 'hand_entries', fn() => new HandEntries( $this->database(), $this->sessions(), $this->session_writer(), $this->settings(), $this->session_access() ) );
	}

	public function session_coaches(): SessionCoachRepository {
		return $this->service( 'session_coaches', fn() => new SessionCoachRepository( $this->db ) );
	}

	public function session_access(): SessionAccess {
		return $this->service( 'session_access', fn() => new SessionAccess( $this->session_coaches() ) );
	}

	/** A value the plugin keeps for itself in the settings table ("_schema_version", ...). */
	public function internal_setting( string $key ): ?string {
		return $this->settings_repository()->find_quietly( $key );
	}

	/**
	 * Wires the plugin.  Without the core (the calsync extension missing or
	 * too old) everything that reads is wired as usual, because the core's
	 * answers are stored with each row; what needs a core decision refuses:
	 * the webhook route answers 503 with Retry-After, write routes and
	 * admin actions the "no_extension" error, and the jobs that need the
	 * core skip their runs (core_job()).  The migration waits for the core.
	 */
	public function boot(): void {
		$core = self::requirements_met();
		if ( $core ) {
			add_action( 'plugins_loaded', array( $this, 'maybe_upgrade' ), 5 );
		}
		add_action( 'init', array( $this, 'schedule_jobs' ) );
		add_filter( 'cron_schedules', array( self::class, 'cron_schedules' ) ); // phpcs:ignore WordPress.WP.CronInterval
		add_action( RetryFailedDeliveries::HOOK, fn() => $this->core_job( RetryFailedDeliveries::HOOK, fn() => ( new RetryFailedDeliveries( $this->database(), $this->ledger(), $this->sync() ) )->run() ) );
		add_action( Retention::HOOK, fn() => ( new Retention( $this->database(), $this->ledger(), $this->session_writer(), $this->throttle(), $this->settings() ) )->run() );
		add_action( HealthCheck::HOOK, fn() => $this->core_job( HealthCheck::HOOK, fn() => $this->health_check()->run() ) );
		add_action( StaleLookup::HOOK, fn() => $this->core_job( StaleLookup::HOOK, fn() => ( new StaleLookup( $this->database(), $this->ledger(), $this->sync(), $this->api(), $this->settings() ) )->run() ) );
		add_action( Backfill::HOOK, fn() => $this->core_job( Backfill::HOOK, fn() => $this->backfill()->run() ) );
		$this->wire_user_events();
		if ( $core ) {
			// Matches owed while the extension was not loaded.
			add_action( RetryFailedDeliveries::HOOK, fn() => $this->user_matcher()->run_owed() );
			add_action( 'admin_init', fn() => $this->user_matcher()->run_owed() );
		}
		add_action( 'admin_notices', fn() => $this->alerts()->render_notice() );
		if ( $core ) {
			// Before anything else of the REST API: an oversized webhook body is refused unread.
			add_action( 'rest_api_init', fn() => WebhookController::refuse_oversized_body( $this ), -1000 );
			add_filter( 'rest_request_before_callbacks', array( WebhookController::class, 'keep_raw_body' ), 10, 3 );
		}
		add_action(
			'rest_api_init',
			function () use ( $core ): void {
				( $core ? new WebhookController( $this ) : new Rest\UnavailableController() )->register_routes();
				( new PingController() )->register_routes();
				( new BackfillController( $this ) )->register_routes();
				( new HealthController( $this ) )->register_routes();
			}
		);
		$this->site_health()->register();
		( new Admin\Menu( $this ) )->register(); // wp-admin pages and their REST routes.
		( new Coaching( $this ) )->boot(); // Progress page, student portal, booking, coach reminders, privacy.
	}

	/**
	 * Account events (new account, changed e-mail, deleted user): wired with
	 * or without the extension, so that a deleted user's sessions are released
	 * and a match is recorded as owed while the core is missing.
	 */
	public function wire_user_events(): void {
		( new UserEvents( $this ) )->register();
	}

	/**
	 * Activation: roles and capabilities always; schema and jobs once the extension is there.
	 * Single-site only: network activation on a multisite network is refused (each site has
	 * its own Calendly connection, webhook and tables), before anything is written.
	 *
	 * @param bool $network_wide Whether WordPress activates the plugin for the whole network.
	 */
	public static function activate( $network_wide = false ): void {
		if ( $network_wide && is_multisite() ) {
			wp_die(
				esc_html__( 'TFSP Calendly Sync works on one site at a time: each site has its own Calendly connection, webhook and sessions. Activate it on the site that holds the portal (Plugins on that site), not for the whole network.', 'tfsp-calendly-sync' ),
				esc_html__( 'Network activation is not supported', 'tfsp-calendly-sync' ),
				array( 'back_link' => true )
			);
		}
		self::install_roles();
		if ( ! self::requirements_met() ) {
			return; // The gate's notice explains; the migration runs once the extension loads.
		}
		$plugin = self::instance();
		$result = $plugin->upgrade();
		if ( is_wp_error( $result ) ) {
			wp_die( esc_html( $result->get_error_message() ), esc_html__( 'Plugin activation failed', 'tfsp-calendly-sync' ), array( 'back_link' => true ) );
		}
		$plugin->schedule_jobs();
	}

	public static function deactivate(): void {
		Coaching::unschedule();
		wp_clear_scheduled_hook( RetryFailedDeliveries::HOOK );
		wp_clear_scheduled_hook( Retention::HOOK );
		wp_clear_scheduled_hook( HealthCheck::HOOK );
		wp_clear_scheduled_hook( StaleLookup::HOOK );
		wp_clear_scheduled_hook( Backfill::HOOK );
	}

	/** Runs the migration when the plugin or schema version changed. */
	public function maybe_upgrade(): void {
		if ( $this->internal_setting( '_installed_version' ) === self::installed_version_marker() ) {
			return;
		}
		$result = $this->upgrade();
		if ( is_wp_error( $result ) ) {
			error_log( 'tfsp-calendly-sync: ' . $result->get_error_message() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
		}
	}

	/**
	 * Migrates under the `migrate` lease, so that two web nodes never migrate at once.
	 *
	 * @return true|\WP_Error
	 */
	public function upgrade() {
		$busy = new \WP_Error( 'tfsp_calendly_migration_busy', __( 'Another request is upgrading the Calendly Sync tables; try again in a minute.', 'tfsp-calendly-sync' ) );
		try {
			$this->database()->ensure_lease_table(); // The migration's own lease lives in it.
			return $this->database()->with_lock( 'migrate', fn() => $this->migrate_locked(), 10, $busy );
		} catch ( DatabaseError $e ) {
			return new \WP_Error( 'tfsp_calendly_db_error', $e->getMessage() );
		}
	}

	/** @return true|\WP_Error */
	private function migrate_locked() {
		try {
			$result = true;
			if ( $this->schema()->needs_migration() ) {
				$result = $this->schema()->migrate();
			}
			if ( true === $result ) {
				self::install_roles();
				$this->settings_repository()->put( '_installed_version', self::installed_version_marker() );
			}
		} catch ( DatabaseError $e ) {
			$result = new \WP_Error( 'tfsp_calendly_db_error', $e->getMessage() );
		} finally {
			$this->settings()->refresh();
		}
		return $result;
	}

	private static function installed_version_marker(): string {
		return TFSP_CALENDLY_SYNC_VERSION . '/' . Schema::VERSION;
	}

	/**
	 * The coach and lead coach roles and the plugin's own capabilities (activation and version
	 * change): a coach marks the sessions they host; a lead coach, like an admin, every session.
	 */
	public static function install_roles(): void {
		if ( null === get_role( self::COACH_ROLE ) ) {
			add_role( self::COACH_ROLE, __( 'Coach', 'tfsp-calendly-sync' ), array( 'read' => true ) );
		}
		if ( null === get_role( self::LEAD_COACH_ROLE ) ) {
			add_role( self::LEAD_COACH_ROLE, __( 'Lead coach', 'tfsp-calendly-sync' ), array( 'read' => true ) );
		}
		$grants = array(
			self::COACH_ROLE      => array( self::CAP_MARK_ATTENDANCE ),
			self::LEAD_COACH_ROLE => array( self::CAP_MARK_ATTENDANCE, self::CAP_MARK_ANY ),
			'administrator'       => array( self::CAP_MANAGE, self::CAP_MARK_ATTENDANCE, self::CAP_MARK_ANY ),
		);
		foreach ( $grants as $name => $caps ) {
			$role = get_role( $name );
			foreach ( $role ? $caps : array() as $cap ) {
				if ( ! $role->has_cap( $cap ) ) {
					$role->add_cap( $cap );
				}
			}
		}
	}

	/** @param array $schedules WP-Cron schedules. */
	public static function cron_schedules( $schedules ) {
		$schedules[ self::RETRY_SCHEDULE ] = array(
			'interval' => 5 * MINUTE_IN_SECONDS,
			'display'  => __( 'Every five minutes (Calendly Sync)', 'tfsp-calendly-sync' ),
		);
		$schedules[ Cron\ReportDays::SCHEDULE ] = array(
			'interval' => MINUTE_IN_SECONDS,
			'display'  => __( 'Every minute (Calendly Sync)', 'tfsp-calendly-sync' ),
		);
		$schedules[ HealthCheck::SCHEDULE ] = array(
			'interval' => 15 * MINUTE_IN_SECONDS,
			'display'  => __( 'Every fifteen minutes (Calendly Sync)', 'tfsp-calendly-sync' ),
		);
		return $schedules;
	}

	public function schedule_jobs(): void {
		if ( ! wp_next_scheduled( RetryFailedDeliveries::HOOK ) ) {
			wp_schedule_event( time() + MINUTE_IN_SECONDS, self::RETRY_SCHEDULE, RetryFailedDeliveries::HOOK );
		}
		if ( ! wp_next_scheduled( Retention::HOOK ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', Retention::HOOK );
		}
		if ( ! wp_next_scheduled( HealthCheck::HOOK ) ) {
			wp_schedule_event( time() + MINUTE_IN_SECONDS, HealthCheck::SCHEDULE, HealthCheck::HOOK );
		}
		if ( ! wp_next_scheduled( StaleLookup::HOOK ) ) {
			wp_schedule_event( time() + MINUTE_IN_SECONDS, self::RETRY_SCHEDULE, StaleLookup::HOOK );
		}
	}

	/**
	 * @template T
	 * @param callable():T $factory
	 * @return T
	 */
	private function service( string $name, callable $factory ) {
		if ( ! isset( $this->services[ $name ] ) ) {
			$this->services[ $name ] = $factory();
		}
		return $this->services[ $name ];
	}
}
