<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Progress toward the required number of attended sessions: per student, for the program, and
 * sessions per week, for the Progress page, its CSV export and the student portal.
 *
 * Which sessions count is the core's answer, stored with each row
 * (counts_toward_progress, written by SessionWriter): only attended rows
 * count, and a reschedule chain counts once.  Every figure here is a SQL
 * read of the stored answers, so reading needs neither the core nor the
 * extension.
 *
 * Program totals and the weekly chart read large parts of the table (about a
 * second with a million rows), so they are computed in the background every
 * five minutes (WP-Cron tfsp_calendly_progress) and kept in a transient; the
 * page says how old they are.  Per-student figures are always read live.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Progress {

	/** Statuses of the weekly chart, in stacking order. */
	public const CHART_STATUSES = array( 'attended', 'no_show', 'scheduled', 'rescheduled', 'canceled' );

	/** Weeks of the chart before the current one, and after it. */
	public const WEEKS_BACK  = 11;
	public const WEEKS_AHEAD = 4;

	/** WP-Cron hook that refreshes the totals and the chart. */
	public const REFRESH_HOOK = 'tfsp_calendly_progress';

	/** Totals older than this are computed on the spot (the refresh job runs every five minutes). */
	private const CACHE_SECONDS = 15 * MINUTE_IN_SECONDS;

	private ProgressRepository $repository;
	private Settings $settings;

	public function __construct( ProgressRepository $repository, Settings $settings ) {
		$this->repository = $repository;
		$this->settings   = $settings;
	}

	public function repository(): ProgressRepository {
		return $this->repository;
	}

	public function required(): int {
		try {
			return max( 1, (int) $this->settings->get( 'required_sessions' ) );
		} catch ( \Throwable $e ) {
			return 3;
		}
	}

	/** "Now" in the format of the DATETIME(6) columns (UTC). */
	public static function now(): string {
		return gmdate( 'Y-m-d H:i:s' );
	}

	/**
	 * One page of the students list with their progress.
	 *
	 * @return array{total:int,rows:array<int,array<string,mixed>>}
	 */
	public function students_page( string $search, string $completion, string $orderby, bool $desc, int $per_page, int $page, ?int $coach = null ): array {
		$required   = $this->required();
		// Without a search the list's size is one of the totals, kept fresh by the refresh job.
		if ( '' === $search ) {
			$totals = $this->totals( $coach );
			$total  = array(
				''            => $totals['students'],
				'completed'   => $totals['completed'],
				'in_progress' => $totals['students'] - $totals['completed'],
			)[ $completion ];
		} else {
			$total = $this->repository->count_students( $search, $completion, $required, $coach );
		}
		$students   = $this->repository->students( $search, $completion, $required, $orderby, $desc, $per_page, max( 0, ( $page - 1 ) * $per_page ), $coach );
		return array(
			'total' => $total,
			'rows'  => $this->with_stats( $students, $required ),
		);
	}

	/**
	 * Students with their progress, as the list and the export show them.
	 *
	 * @param array<int,array{ID:string,display_name:string,user_email:string}> $students Users.
	 * @return array<int,array<string,mixed>>
	 */
	public function with_stats( array $students, ?int $required = null ): array {
		$required = $required ?? $this->required();
		$ids      = array_map( static fn( $s ) => (int) $s['ID'], $students );
		$stats    = $this->repository->stats_for( $ids, self::now() );
		$rows     = array();
		foreach ( $students as $student ) {
			$id     = (int) $student['ID'];
			$s      = $stats[ $id ] ?? array(
				'attended'         => 0,
				'attended_by_hand' => 0,
				'upcoming'         => 0,
				'no_show'      => 0,
				'last_session' => null,
			);
			$rows[] = array(
				'id'           => $id,
				'login'        => (string) ( $student['user_login'] ?? '' ),
				'name'         => (string) $student['display_name'],
				'email'        => (string) $student['user_email'],
				'attended'     => $s['attended'],
				'by_hand'      => $s['attended_by_hand'] ?? 0,
				'required'     => $required,
				'upcoming'     => $s['upcoming'],
				'no_show'      => $s['no_show'],
				'last_session' => $s['last_session'],
				'completed'    => $s['attended'] >= $required,
			);
		}
		return $rows;
	}

	/**
	 * One student's progress.
	 *
	 * @return array{attended:int,required:int,upcoming:int,completed:bool}
	 */
	public function of_student( int $user_id ): array {
		$required = $this->required();
		$stats    = $this->repository->stats_for( array( $user_id ), self::now() );
		$attended = (int) ( $stats[ $user_id ]['attended'] ?? 0 );
		return array(
			'attended'  => $attended,
			'required'  => $required,
			'upcoming'  => (int) ( $stats[ $user_id ]['upcoming'] ?? 0 ),
			'completed' => $attended >= $required,
		);
	}

	/**
	 * Program totals (computed in the background; see the class comment).
	 *
	 * @return array{students:int,completed:int,attended:int,upcoming:int,needs_attendance:int,no_show:int,canceled:int,required:int,computed_at:int}
	 */
	public function totals( ?int $coach = null ): array {
		if ( null !== $coach ) {
			return $this->compute_totals( $coach ); // A coach's own: over the rows they host, read now.
		}
		$key    = 'tfsp_calendly_progress_totals';
		$totals = get_transient( $key );
		if ( ! is_array( $totals ) || ( $totals['required'] ?? null ) !== $this->required() ) {
			$totals = $this->compute_totals();
			set_transient( $key, $totals, self::CACHE_SECONDS );
		}
		return $totals;
	}

	private function compute_totals( ?int $coach = null ): array {
		$required                = $this->required();
		$totals                  = $this->repository->totals( $required, self::now(), $coach );
		$totals['required']      = $required;
		$totals['computed_at']   = time();
		return $totals;
	}

	/** The refresh job: totals and chart computed now, for the next page loads. */
	public function refresh(): void {
		set_transient( 'tfsp_calendly_progress_totals', $this->compute_totals(), self::CACHE_SECONDS );
		[ $from, $to ] = $this->chart_window();
		set_transient( 'tfsp_calendly_progress_weeks', array( $from, time(), $this->repository->per_week( $from, $to ) ), self::CACHE_SECONDS );
	}

	/**
	 * The chart's window: from WEEKS_BACK weeks before the current week to WEEKS_AHEAD after it.
	 *
	 * @return array{0:string,1:string,2:\DateTimeImmutable,3:int} UTC from, UTC to, first day, number of weeks.
	 */
	private function chart_window(): array {
		$zone  = wp_timezone();
		$today = new \DateTimeImmutable( 'today', $zone );
		$first = (int) get_option( 'start_of_week', 1 );
		$back  = ( (int) $today->format( 'w' ) - $first + 7 ) % 7;
		$start = $today->modify( '-' . ( $back + 7 * self::WEEKS_BACK ) . ' days' );
		$count = self::WEEKS_BACK + 1 + self::WEEKS_AHEAD;
		$end   = $start->modify( '+' . ( 7 * $count ) . ' days' );
		return array( gmdate( 'Y-m-d H:i:s', $start->getTimestamp() ), gmdate( 'Y-m-d H:i:s', $end->getTimestamp() ), $start, $count );
	}

	/**
	 * Sessions per week by status, from WEEKS_BACK weeks before the current week to WEEKS_AHEAD after it.
	 * Weeks start on the site's first day of the week, at midnight in the site's time zone.
	 *
	 * @return array<int,array{start:int,counts:array<string,int>}> start: Unix time of the week's first instant.
	 */
	public function weeks( ?int $coach = null ): array {
		[ $from, $to, $start, $count ] = $this->chart_window();
		$cached                         = null === $coach ? get_transient( 'tfsp_calendly_progress_weeks' ) : false;
		if ( null !== $coach ) {
			$rows = $this->repository->per_week( $from, $to, $coach ); // A coach's own sessions, read now.
		} elseif ( is_array( $cached ) && $cached[0] === $from ) {
			$rows = $cached[2];
		} else {
			$rows = $this->repository->per_week( $from, $to );
			set_transient( 'tfsp_calendly_progress_weeks', array( $from, time(), $rows ), self::CACHE_SECONDS );
		}
		$weeks = array();
		for ( $i = 0; $i < $count; $i++ ) {
			$weeks[ $i ] = array(
				'start'  => $start->modify( '+' . ( 7 * $i ) . ' days' )->getTimestamp(),
				'counts' => array_fill_keys( self::CHART_STATUSES, 0 ),
			);
		}
		foreach ( $rows as $row ) {
			$i = (int) $row['week'];
			if ( isset( $weeks[ $i ] ) && isset( $weeks[ $i ]['counts'][ $row['status'] ] ) ) {
				$weeks[ $i ]['counts'][ $row['status'] ] = (int) $row['n'];
			}
		}
		return $weeks;
	}
}
