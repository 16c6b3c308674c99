<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * WP-Cron job tfsp_calendly_report_days, every minute, under a database lock: the Reports
 * page's per-day summary recounted for the days whose sessions changed.
 *
 * SessionWriter marks the quarter hour of a session's start (before and after the write) in
 * {prefix}tfsp_report_dirty in the write's transaction.  Each run: rows the portal's own code
 * wrote since the last run (updated_at) are marked too; then the marked quarter hours are
 * claimed (deleted: the DELETE waits for the writers that marked them to commit) and the days
 * they fall in, in the site's time zone, are counted again from the stored answers, one
 * transaction per day.  A quarter hour lies in one day of every time zone (every offset is a
 * multiple of 15 minutes).  On the first run after the migration, or after the site's time
 * zone changed, every quarter hour that holds a session is marked.  When no dirty day is left
 * the run's time is what the page says the figures are "as of".  Needs no core: it reads the
 * stored answers.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync\Cron;

use TFSP\CalendlySync\Database;
use TFSP\CalendlySync\DatabaseError;
use TFSP\CalendlySync\ReportRepository;
use TFSP\CalendlySync\Reports;
use TFSP\CalendlySync\SessionWriter;
use TFSP\CalendlySync\SettingsRepository;
use TFSP\CalendlySync\Terms;

defined( 'ABSPATH' ) || exit;

final class ReportDays {

	public const HOOK = 'tfsp_calendly_report_days';

	/** The job's WP-Cron schedule: every minute. */
	public const SCHEDULE = 'tfsp_calendly_minute';

	/** Quarter hours claimed per batch. */
	private const BATCH = 500;

	/** Seconds a run works at most; the rest waits for the next run. */
	private const BUDGET_SECONDS = 40;

	/** Rows written elsewhere are looked for since the last run's start less this (a transaction that committed late). */
	private const SWEEP_OVERLAP_SECONDS = 120;

	private Database $database;
	private ReportRepository $repository;
	private SessionWriter $writer;
	private SettingsRepository $settings;

	public function __construct( Database $database, ReportRepository $repository, SessionWriter $writer, SettingsRepository $settings ) {
		$this->database   = $database;
		$this->repository = $repository;
		$this->writer     = $writer;
		$this->settings   = $settings;
	}

	/** @return int|null Days recounted; null when another node holds the lock. */
	public function run(): ?int {
		try {
			return $this->database->with_lock( 'report_days', fn() => $this->recount(), 0, null );
		} catch ( DatabaseError $e ) {
			error_log( 'tfsp-calendly-sync report days: ' . $e->getMessage() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
			return null; // The next run tries again.
		}
	}

	/** The job itself, run under its lock. */
	private function recount(): int {
		if ( (int) $this->settings->find_quietly( '_schema_version' ) < 15 ) {
			return 0; // The migration has not made the summary's tables yet.
		}
		$started = time();
		$zone    = wp_timezone()->getName();
		if ( null !== $this->settings->find_quietly( '_report_rebuild' ) || $this->settings->find_quietly( '_report_zone' ) !== $zone ) {
			$this->repository->clear_days();
			$this->writer->schema_reached( 15 );
			$this->writer->mark_all_days();
			$this->settings->put( '_report_zone', $zone );
			$this->settings->delete( '_report_rebuild' );
		} else {
			$swept = $this->settings->find_quietly( '_report_swept_at' );
			$since = gmdate( 'Y-m-d H:i:s', ( null === $swept ? $started : (int) $swept ) - self::SWEEP_OVERLAP_SECONDS );
			$this->repository->mark_updated_since( $since );
		}
		$this->settings->put( '_report_swept_at', (string) $started );

		$days  = 0;
		$claim = time();
		while ( time() - $started < self::BUDGET_SECONDS ) {
			$claim = time();
			$slots = $this->repository->claim_dirty( self::BATCH );
			if ( ! $slots ) {
				break;
			}
			$todo = array();
			foreach ( $slots as $slot ) {
				$todo[ (string) wp_date( 'Y-m-d', $slot * SessionWriter::REPORT_SLOT_SECONDS ) ] = true;
			}
			try {
				foreach ( array_keys( $todo ) as $day ) {
					[ $from, $to ] = Terms::range(
						array(
							'first_day' => $day,
							'last_day'  => $day,
						)
					);
					$this->database->transaction( fn() => $this->repository->recount_day( $day, $from, $to ) );
					++$days;
				}
			} catch ( DatabaseError $e ) {
				$this->repository->remark( $slots ); // Counted again by the next run.
				throw $e;
			}
		}
		if ( 0 === $this->repository->dirty_count() ) {
			$this->settings->put( Reports::AS_OF_SETTING, (string) $claim );
		}
		return $days;
	}
}
