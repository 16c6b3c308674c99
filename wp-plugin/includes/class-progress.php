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
	private Terms $terms;

	public function __construct( ProgressRepository $repository, Settings $settings, Terms $terms ) {
		$this->repository = $repository;
		$this->settings   = $settings;
		$this->terms      = $terms;
	}

	public function terms(): Terms {
		return $this->terms;
	}

	/**
	 * The term progress is about (Terms::scope()); with no term tables yet (a database error),
	 * the all-time rule.
	 *
	 * @return array{term:?array,state:string,next:?array,from:?string,to:?string}
	 */
	public function scope(): array {
		try {
			return $this->terms->scope();
		} catch ( DatabaseError $e ) {
			return array(
				'term'  => null,
				'state' => 'none',
				'next'  => null,
				'from'  => null,
				'to'    => null,
			);
		}
	}

	/**
	 * What counts and how much is required: with a term, the sessions that start in it and each
	 * student's cohort requirement (the term's count by default); without, every session and
	 * the required_sessions setting.
	 *
	 * @return array{required:int,term:?array,from:?string,to:?string,state:string,next:?array}
	 */
	public function rule(): array {
		$scope             = $this->scope();
		$scope['required'] = $this->required();
		return $scope;
	}

	/**
	 * Each student's requirement under the current rule.
	 *
	 * @param int[] $ids Students.
	 * @return array<int,int>
	 */
	public function requirements( array $ids ): array {
		$rule = $this->rule();
		if ( null === $rule['term'] ) {
			return array_fill_keys( array_map( 'intval', $ids ), $rule['required'] );
		}
		return $this->terms->repository()->requirements( $rule['term'], $ids ) + array_fill_keys( array_map( 'intval', $ids ), $rule['required'] );
	}

	public function repository(): ProgressRepository {
		return $this->repository;
	}

	/** The requirement of a student in no cohort: the term's, or without terms the setting. */
	public function required(): int {
		$term = $this->scope()['term'];
		if ( null !== $term ) {
			return max( 1, (int) $term['required'] );
		}
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
		$rule       = $this->rule();
		// Without a search the list's size is one of the totals, kept fresh by the refresh job.
		if ( '' === $search ) {
			$totals = $this->totals( $coach );
			$total  = array(
				''            => $totals['students'],
				'completed'   => $totals['completed'],
				'in_progress' => $totals['students'] - $totals['completed'],
			)[ $completion ];
		} else {
			$total = $this->repository->count_students( $search, $completion, $rule, $coach );
		}
		$students   = $this->repository->students( $search, $completion, $rule, $orderby, $desc, $per_page, max( 0, ( $page - 1 ) * $per_page ), $coach );
		return array(
			'total' => $total,
			'rows'  => $this->with_stats( $students ),
		);
	}

	/**
	 * Students with their progress, as the list and the export show them.
	 *
	 * @param array<int,array{ID:string,display_name:string,user_email:string}> $students Users.
	 * @return array<int,array<string,mixed>>
	 */
	public function with_stats( array $students ): array {
		$ids      = array_map( static fn( $s ) => (int) $s['ID'], $students );
		$stats    = $this->repository->stats_for( $ids, self::now(), $this->rule() );
		$required = $this->requirements( $ids );
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
				'required'     => $required[ $id ],
				'upcoming'     => $s['upcoming'],
				'no_show'      => $s['no_show'],
				'last_session' => $s['last_session'],
				'completed'    => $s['attended'] >= $required[ $id ],
			);
		}
		return $rows;
	}

	/**
	 * One student's progress.
	 *
	 * @return array{attended:int,required:int,upcoming:int,completed:bool,scope:array,phrase:?string,next:?string}
	 *         phrase: "2 of 3 sessions this term, ends December 15" (null without terms); next: when the next term begins, between terms.
	 */
	public function of_student( int $user_id ): array {
		$rule     = $this->rule();
		$required = $this->requirements( array( $user_id ) )[ $user_id ];
		$stats    = $this->repository->stats_for( array( $user_id ), self::now(), $rule );
		$attended = (int) ( $stats[ $user_id ]['attended'] ?? 0 );
		return array(
			'attended'  => $attended,
			'required'  => $required,
			'upcoming'  => (int) ( $stats[ $user_id ]['upcoming'] ?? 0 ),
			'completed' => $attended >= $required,
			'scope'     => $rule,
			'phrase'    => Terms::phrase( $rule, $attended, $required ),
			'next'      => Terms::next_phrase( $rule ),
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
		if ( ! is_array( $totals ) || ( $totals['required'] ?? null ) !== $this->required() || ( $totals['term_id'] ?? null ) !== self::term_id( $this->scope() ) ) {
			$totals = $this->compute_totals();
			set_transient( $key, $totals, self::CACHE_SECONDS );
		}
		return $totals;
	}

	private function compute_totals( ?int $coach = null ): array {
		$rule                    = $this->rule();
		$totals                  = $this->repository->totals( $rule, self::now(), $coach );
		$totals['required']      = $rule['required'];
		$totals['term_id']       = self::term_id( $rule );
		$totals['computed_at']   = time();
		return $totals;
	}

	private static function term_id( array $scope ): ?int {
		return null === $scope['term'] ? null : (int) $scope['term']['id'];
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
