<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The Reports page's figures for a filter (a date range in the site's time zone, a term, a
 * cohort, a coach; per week or per month): the sessions by what the core answered, from the
 * per-day summary that ReportDays keeps (for a cohort counted live, bounded by its students);
 * the students who met the requirement, those at risk, and the time from joining to the first
 * session, counted per request with one index probe per student of the filter.
 *
 * The filter comes from the query string and is validated here (filter()): every bad value is
 * named in an error and left out, never a fatal.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Reports {

	/** The days a filter may span at most (ten years). */
	public const MAX_DAYS = 3660;

	/** Students at risk listed by name at most (the count is exact). */
	public const AT_RISK_LISTED = 200;

	/** The job that recounts dirty days (ReportDays) runs every minute; the summary's time. */
	public const AS_OF_SETTING = '_report_days_at';

	private ReportRepository $repository;
	private TermRepository $terms;
	private Progress $progress;
	private Settings $settings;
	private SettingsRepository $internal;

	public function __construct( ReportRepository $repository, TermRepository $terms, Progress $progress, Settings $settings, SettingsRepository $internal ) {
		$this->repository = $repository;
		$this->terms      = $terms;
		$this->progress   = $progress;
		$this->settings   = $settings;
		$this->internal   = $internal;
	}

	public function repository(): ReportRepository {
		return $this->repository;
	}

	/**
	 * The filter of a request, validated: from and to (Y-m-d, site zone), term and cohort (rows
	 * or null), coach (a user id or null), per ("week" or "month").  With a term and no dates
	 * the term's days; with neither the current term's, else the last twelve months.
	 *
	 * @param array<string,mixed> $input The query arguments (unslashed).
	 * @return array{filter:array,errors:string[]}
	 * @throws DatabaseError On a database error.
	 */
	public function filter( array $input ): array {
		$errors = array();
		$text   = static fn( string $key ): string => isset( $input[ $key ] ) && is_scalar( $input[ $key ] ) ? trim( (string) $input[ $key ] ) : '';

		$term = null;
		if ( '' !== $text( 'term' ) ) {
			$term = ctype_digit( $text( 'term' ) ) ? $this->terms->term( (int) $text( 'term' ) ) : null;
			if ( null === $term ) {
				$errors[] = __( 'Term: no such term; the report covers every term.', 'tfsp-calendly-sync' );
			}
		}
		$cohort = null;
		if ( '' !== $text( 'cohort' ) ) {
			$cohort = ctype_digit( $text( 'cohort' ) ) ? $this->terms->cohort( (int) $text( 'cohort' ) ) : null;
			if ( null === $cohort ) {
				$errors[] = __( 'Cohort: no such cohort; the report covers every student.', 'tfsp-calendly-sync' );
			}
		}
		$coach = null;
		if ( '' !== $text( 'coach' ) ) {
			$coach = ctype_digit( $text( 'coach' ) ) && (int) $text( 'coach' ) > 0 && false !== get_userdata( (int) $text( 'coach' ) ) ? (int) $text( 'coach' ) : null;
			if ( null === $coach ) {
				$errors[] = __( 'Coach: no such user; the report covers every coach.', 'tfsp-calendly-sync' );
			}
		}
		$per = $text( 'per' );
		if ( '' !== $per && ! in_array( $per, array( 'week', 'month' ), true ) ) {
			$errors[] = __( 'Chart: choose per week or per month; the chart shows weeks.', 'tfsp-calendly-sync' );
			$per      = '';
		}

		$dates = array();
		foreach ( array(
			'from' => __( 'From', 'tfsp-calendly-sync' ),
			'to'   => __( 'To', 'tfsp-calendly-sync' ),
		) as $key => $label ) {
			$value = $text( $key );
			if ( '' === $value ) {
				continue;
			}
			if ( self::is_day( $value ) ) {
				$dates[ $key ] = $value;
			} else {
				/* translators: %s: the field's label */
				$errors[] = sprintf( __( '%s: give a date as YYYY-MM-DD; the default is used.', 'tfsp-calendly-sync' ), $label );
			}
		}
		$today = Terms::today();
		if ( null !== $term ) {
			$from = max( $dates['from'] ?? (string) $term['first_day'], (string) $term['first_day'] );
			$to   = min( $dates['to'] ?? (string) $term['last_day'], (string) $term['last_day'] );
			if ( $from > $to ) {
				$errors[] = __( 'Dates: the range lies outside the term; the report covers the whole term.', 'tfsp-calendly-sync' );
				$from     = (string) $term['first_day'];
				$to       = (string) $term['last_day'];
			}
		} else {
			$current = $this->progress->scope();
			if ( 'current' === $current['state'] ) {
				$default_from = (string) $current['term']['first_day'];
				$default_to   = (string) $current['term']['last_day'];
			} else {
				$default_from = ( new \DateTimeImmutable( $today, wp_timezone() ) )->modify( '-1 year +1 day' )->format( 'Y-m-d' );
				$default_to   = $today;
			}
			$from = $dates['from'] ?? $default_from;
			$to   = $dates['to'] ?? $default_to;
			if ( $from > $to ) {
				$errors[] = __( 'Dates: the first day is after the last; the default range is used.', 'tfsp-calendly-sync' );
				$from     = $default_from;
				$to       = $default_to;
			}
		}
		if ( self::days_between( $from, $to ) > self::MAX_DAYS ) {
			/* translators: %d: most days */
			$errors[] = sprintf( __( 'Dates: a report spans at most %d days; the range was shortened.', 'tfsp-calendly-sync' ), self::MAX_DAYS );
			$to       = ( new \DateTimeImmutable( $from, wp_timezone() ) )->modify( '+' . ( self::MAX_DAYS - 1 ) . ' days' )->format( 'Y-m-d' );
		}
		if ( '' === $per ) {
			$per = self::days_between( $from, $to ) > 190 ? 'month' : 'week';
		}
		return array(
			'filter' => compact( 'from', 'to', 'term', 'cohort', 'coach', 'per' ),
			'errors' => $errors,
		);
	}

	/**
	 * The session figures of a filter and their periods (the chart).
	 *
	 * @return array{totals:array<string,int>,periods:array<int,array{start:int,counts:array<string,int>}>,as_of:?int,live:bool,pending:int}
	 * @throws DatabaseError On a database error.
	 */
	public function sessions( array $filter ): array {
		[ $from, $to ] = self::range( $filter );
		if ( null !== $filter['cohort'] ) {
			$days = array();
			foreach ( $this->repository->live_slots( $filter['cohort'], $filter['coach'], $from, $to ) as $slot => $counts ) {
				$day = wp_date( 'Y-m-d', $slot * SessionWriter::REPORT_SLOT_SECONDS );
				foreach ( $counts as $name => $n ) {
					$days[ $day ][ $name ] = ( $days[ $day ][ $name ] ?? 0 ) + $n;
				}
			}
			$as_of   = time();
			$live    = true;
			$pending = 0;
		} else {
			$days    = $this->repository->summary_days( $filter['from'], $filter['to'], $filter['coach'] );
			$stored  = $this->internal->find_quietly( self::AS_OF_SETTING );
			$as_of   = null === $stored ? null : (int) $stored;
			$live    = false;
			$pending = $this->repository->dirty_count();
		}
		$totals = array_fill_keys( array_keys( ReportRepository::FIGURES ), 0 );
		foreach ( $days as $counts ) {
			foreach ( $counts as $name => $n ) {
				$totals[ $name ] += $n;
			}
		}
		return array(
			'totals'  => $totals,
			'periods' => self::periods( $days, $filter ),
			'as_of'   => $as_of,
			'live'    => $live,
			'pending' => $pending,
		);
	}

	/**
	 * The student figures of a filter: the requirement's rule (the filter's term, else the term
	 * of its last day or the last one before, else the all-time rule), how many of the filter's
	 * students met it, those at risk (null when the term is not current or has more than the
	 * window's days left), and the time from joining to the first session of those who joined
	 * in the range.
	 *
	 * @return array<string,mixed>
	 * @throws DatabaseError On a database error.
	 */
	public function students( array $filter ): array {
		$rule     = $this->rule( $filter );
		$students = $this->repository->students( $filter['cohort'], $filter['coach'] );
		$filtered = null !== $filter['cohort'] || null !== $filter['coach'];
		$counted  = array_intersect_key( $this->repository->counted( $rule['from'], $rule['to'], $filtered ? array_keys( $students ) : null ), $students );

		$window  = $this->window();
		$today   = Terms::today();
		$left    = null;
		$risky   = null;
		$current = null !== $rule['term'] && $today >= $rule['term']['first_day'] && $today <= $rule['term']['last_day'];
		if ( $current ) {
			$left = self::days_between( $today, (string) $rule['term']['last_day'] ) - 1;
			if ( $left <= $window ) {
				$risky = array_diff_key( $students, $this->repository->scheduled_between( gmdate( 'Y-m-d H:i:s' ), (string) $rule['to'] ) );
			}
		}
		// Each student's requirement: the term's (or the setting's), unless a cohort of the term asks
		// otherwise; asked only for the students it can decide about.
		$asked = $counted + ( null === $risky ? array() : array_fill_keys( array_keys( $risky ), 0 ) );
		$need  = array_fill_keys( array_keys( $asked ), (int) $rule['required'] );
		if ( null !== $rule['term'] && $asked && $this->repository->has_cohorts_for( (int) $rule['term']['id'] ) ) {
			foreach ( array_chunk( array_keys( $asked ), 1000 ) as $ids ) {
				$need = $this->terms->requirements( $rule['term'], $ids ) + $need;
			}
		}
		$met = 0;
		foreach ( $counted as $sid => $n ) {
			$met += $n >= $need[ $sid ] ? 1 : 0;
		}
		$at_risk = null;
		if ( null !== $risky ) {
			$at_risk = array();
			foreach ( array_keys( $risky ) as $sid ) {
				if ( ( $counted[ $sid ] ?? 0 ) < $need[ $sid ] ) {
					$at_risk[ $sid ] = array(
						'attended' => $counted[ $sid ] ?? 0,
						'required' => $need[ $sid ],
					);
				}
			}
		}

		[ $from, $to ] = self::range( $filter );
		$joined        = array_filter( $students, static fn( string $at ): bool => $at >= $from && $at < $to );
		$waits         = array();
		foreach ( $this->repository->first_sessions( $joined ) as $sid => $first ) {
			$waits[] = max( 0, ( strtotime( $first . ' UTC' ) - strtotime( $joined[ $sid ] . ' UTC' ) ) / DAY_IN_SECONDS );
		}
		sort( $waits );
		$n = count( $waits );
		return array(
			'rule'      => $rule,
			'students'  => count( $students ),
			'met'       => $met,
			'window'    => $window,
			'days_left' => $left,
			'at_risk'   => $at_risk,
			'joined'    => count( $joined ),
			'started'   => $n,
			'median'    => $n ? ( $n % 2 ? $waits[ intdiv( $n, 2 ) ] : ( $waits[ $n / 2 - 1 ] + $waits[ $n / 2 ] ) / 2 ) : null,
			'mean'      => $n ? array_sum( $waits ) / $n : null,
		);
	}

	/**
	 * The names of students at risk, by name, at most $limit.
	 *
	 * @param array<int,array{attended:int,required:int}> $at_risk From students().
	 * @return array<int,array{name:string,attended:int,required:int}>
	 */
	public function at_risk_names( array $at_risk, int $limit ): array {
		$out = array();
		foreach ( $this->repository->first_by_name( array_keys( $at_risk ), $limit ) as $sid => $name ) {
			$out[] = array( 'name' => $name ) + $at_risk[ $sid ];
		}
		return $out;
	}

	/** The at-risk window (days left in the term), the setting. */
	public function window(): int {
		try {
			return max( 1, (int) $this->settings->get( 'at_risk_days' ) );
		} catch ( \Throwable $e ) {
			return 21;
		}
	}

	/**
	 * The requirement's rule of a filter.
	 *
	 * @return array{required:int,term:?array,from:?string,to:?string}
	 */
	public function rule( array $filter ): array {
		$term = $filter['term'];
		if ( null === $term ) {
			$day  = min( $filter['to'], Terms::today() );
			$term = $this->progress->terms()->scope( $day )['term'];
		}
		if ( null === $term ) {
			return array(
				'required' => $this->progress->required(),
				'term'     => null,
				'from'     => null,
				'to'       => null,
			);
		}
		[ $from, $to ] = Terms::range( $term );
		return array(
			'required' => max( 1, (int) $term['required'] ),
			'term'     => $term,
			'from'     => $from,
			'to'       => $to,
		);
	}

	/** @return array{0:string,1:string} The filter's start_at range, UTC DATETIMEs. */
	public static function range( array $filter ): array {
		return Terms::range(
			array(
				'first_day' => $filter['from'],
				'last_day'  => $filter['to'],
			)
		);
	}

	/**
	 * The filter's weeks (from the site's first day of the week) or months, each with its figures.
	 *
	 * @param array<string,array<string,int>> $days Y-m-d => figure => count.
	 * @return array<int,array{start:int,counts:array<string,int>}>
	 */
	public static function periods( array $days, array $filter ): array {
		$zone  = wp_timezone();
		$first = new \DateTimeImmutable( $filter['from'], $zone );
		$last  = new \DateTimeImmutable( $filter['to'], $zone );
		if ( 'month' === $filter['per'] ) {
			$start = $first->modify( 'first day of this month' );
			$step  = '+1 month';
			$key   = static fn( string $day ): string => substr( $day, 0, 7 ) . '-01';
		} else {
			$week_starts = (int) get_option( 'start_of_week', 1 );
			$back        = ( (int) $first->format( 'w' ) - $week_starts + 7 ) % 7;
			$start       = $first->modify( "-{$back} days" );
			$step        = '+7 days';
			$key         = static function ( string $day ) use ( $zone, $week_starts ): string {
				$d    = new \DateTimeImmutable( $day, $zone );
				$back = ( (int) $d->format( 'w' ) - $week_starts + 7 ) % 7;
				return $d->modify( "-{$back} days" )->format( 'Y-m-d' );
			};
		}
		$periods = array();
		for ( $at = $start; $at <= $last; $at = $at->modify( $step ) ) {
			$periods[ $at->format( 'Y-m-d' ) ] = array(
				'start'  => $at->getTimestamp(),
				'counts' => array_fill_keys( Progress::CHART_STATUSES, 0 ),
			);
		}
		foreach ( $days as $day => $counts ) {
			$k = $key( (string) $day );
			if ( ! isset( $periods[ $k ] ) ) {
				continue;
			}
			foreach ( Progress::CHART_STATUSES as $status ) {
				$periods[ $k ]['counts'][ $status ] += (int) ( $counts[ $status ] ?? 0 );
			}
		}
		return array_values( $periods );
	}

	/** Days from $from to $to, both counted. */
	private static function days_between( string $from, string $to ): int {
		$zone = new \DateTimeZone( 'UTC' );
		return (int) ( new \DateTimeImmutable( $from, $zone ) )->diff( new \DateTimeImmutable( $to, $zone ) )->format( '%r%a' ) + 1;
	}

	private static function is_day( string $value ): bool {
		$date = \DateTimeImmutable::createFromFormat( '!Y-m-d', $value );
		return false !== $date && $date->format( 'Y-m-d' ) === $value;
	}
}
