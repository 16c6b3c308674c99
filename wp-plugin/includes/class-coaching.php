<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Wires what students, coaches and admins read: the Progress page and its CSV export, the student
 * portal and booking shortcodes, the coach reminders (cron and admin notice), the student mails
 * (the daily nudge, the requirement-met listener, the unsubscribe endpoint), and the
 * personal-data exporter and eraser.  None of it needs the core.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

use TFSP\CalendlySync\Admin\ProfileTimeZone;
use TFSP\CalendlySync\Admin\ProgressPage;
use TFSP\CalendlySync\Cron\CoachReminders;
use TFSP\CalendlySync\Cron\ReportDays;
use TFSP\CalendlySync\Cron\StudentNudges;
use TFSP\CalendlySync\Public\BookingShortcode;
use TFSP\CalendlySync\Public\PortalShortcode;
use TFSP\CalendlySync\Public\Unsubscribe;

defined( 'ABSPATH' ) || exit;

final class Coaching {

	private Plugin $plugin;

	public function __construct( Plugin $plugin ) {
		$this->plugin = $plugin;
	}

	public function progress(): Progress {
		return $this->plugin->progress();
	}

	public function reminders(): CoachReminders {
		return $this->plugin->coach_reminders();
	}

	public function boot(): void {
		( new PortalShortcode( $this->progress(), $this->plugin->reader_time_zone() ) )->register();
		( new BookingShortcode( $this->plugin->settings() ) )->register();
		$this->plugin->privacy()->register();
		add_action( CoachReminders::HOOK, fn() => $this->reminders()->run() );
		// The student mails read stored answers only: wired with or without the core.
		( new Unsubscribe() )->register();
		add_action( StudentNudges::HOOK, fn() => $this->plugin->student_nudges()->run() );
		add_action( 'tfsp_calendly_requirement_met', fn( $student, $term = null ) => $this->plugin->student_nudges()->requirement_met( $student, $term ), 10, 2 );
		add_action( Progress::REFRESH_HOOK, array( $this, 'refresh_progress' ) );
		// The Reports page's per-day summary: reads stored answers only, with or without the core.
		add_action( ReportDays::HOOK, fn() => $this->plugin->report_days()->run() );
		add_action( 'init', array( self::class, 'schedule' ) );
		if ( is_admin() ) {
			( new ProgressPage( $this->progress() ) )->register();
			( new ProfileTimeZone() )->register();
			add_action( 'admin_notices', fn() => $this->reminders()->render_notice() );
		}
	}

	/** The stored answers of rows written elsewhere, then the progress totals and chart, in the background, under a database lock. */
	public function refresh_progress(): void {
		try {
			$this->plugin->database()->with_lock(
				'progress',
				function (): void {
					try {
						// Rows the portal's own code wrote get the core's answer first, and their
						// coach_id its row of the coaches table (no decision: without the core too).
						if ( Plugin::requirements_met() ) {
							$this->plugin->session_writer()->restand_stale();
							$this->plugin->legacy_sessions()->adopt( false );
						}
						$this->plugin->session_writer()->adopt_portal_coaches();
						$this->progress()->refresh();
						$this->plugin->site_health()->record_cron_run();
					} catch ( DatabaseError $e ) {
						error_log( 'tfsp-calendly-sync progress: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
					}
				}
			);
		} catch ( DatabaseError $e ) {
			unset( $e ); // The lock could not be asked for: the next run tries again.
		}
	}

	/** The daily reminder digest, the daily student nudges, the five-minute progress refresh and the one-minute report days, scheduled once. */
	public static function schedule(): void {
		if ( ! wp_next_scheduled( CoachReminders::HOOK ) ) {
			wp_schedule_event( time() + HOUR_IN_SECONDS, 'daily', CoachReminders::HOOK );
		}
		if ( ! wp_next_scheduled( StudentNudges::HOOK ) ) {
			wp_schedule_event( time() + 2 * HOUR_IN_SECONDS, 'daily', StudentNudges::HOOK );
		}
		if ( ! wp_next_scheduled( Progress::REFRESH_HOOK ) ) {
			wp_schedule_event( time() + MINUTE_IN_SECONDS, Plugin::RETRY_SCHEDULE, Progress::REFRESH_HOOK );
		}
		if ( ! wp_next_scheduled( ReportDays::HOOK ) ) {
			wp_schedule_event( time() + MINUTE_IN_SECONDS, ReportDays::SCHEDULE, ReportDays::HOOK );
		}
	}

	public static function unschedule(): void {
		wp_clear_scheduled_hook( CoachReminders::HOOK );
		wp_clear_scheduled_hook( StudentNudges::HOOK );
		wp_clear_scheduled_hook( Progress::REFRESH_HOOK );
		wp_clear_scheduled_hook( ReportDays::HOOK );
	}
}
