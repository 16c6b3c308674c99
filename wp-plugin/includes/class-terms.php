<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * The program's terms and cohorts.
 *
 * Terms: one calendar of non-overlapping date ranges in the site's time zone, each with a
 * name and the attended sessions it requires (3 unless set).  A session belongs to the term
 * in which it starts: start_at from the first day's midnight up to the midnight after the
 * last day, site time.  Cohorts: groups of students, by a WordPress role (the row stores the
 * role) or picked by hand (rows of {prefix}tfsp_cohort_members); a cohort applies to one term
 * or to every term, and may set its own required count.  A student in several cohorts takes
 * the highest requirement; one in none, the term's (TermRepository::requirement_sql()).
 *
 * Which term progress is about (scope()): the current term; between terms the last one that
 * ended, with the next one's start; with no term defined (or before the first begins), the
 * all-time count and the required_sessions setting, as before terms existed.  Counting stays
 * SQL over the stored answers (counts_toward_progress) within the term's start_at range.
 *
 * Every change is validated first; bad input is a PluginError "input" whose data names the
 * field (params: field => message), and nothing is written.  Changes of the calendar run under
 * the "terms" lock, so that two admins cannot add overlapping terms at once.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class Terms {

	public const DEFAULT_REQUIRED = 3;

	/** Longest term or cohort name. */
	public const NAME_MAX = 190;

	private TermRepository $repository;
	private Database $database;

	/** @var array<string,array> scope() per day, for one request. */
	private array $scopes = array();

	public function __construct( TermRepository $repository, Database $database ) {
		$this->repository = $repository;
		$this->database   = $database;
	}

	public function repository(): TermRepository {
		return $this->repository;
	}

	/** Today in the site's time zone (Y-m-d). */
	public static function today(): string {
		return ( new \DateTimeImmutable( 'now', wp_timezone() ) )->format( 'Y-m-d' );
	}

	/**
	 * A term's start_at range: [first day 00:00, day after the last 00:00) in the site's zone, as UTC DATETIMEs.
	 *
	 * @return array{0:string,1:string}
	 */
	public static function range( array $term ): array {
		$zone  = wp_timezone();
		$first = new \DateTimeImmutable( $term['first_day'] . ' 00:00:00', $zone );
		$after = ( new \DateTimeImmutable( $term['last_day'] . ' 00:00:00', $zone ) )->modify( '+1 day' );
		return array( gmdate( 'Y-m-d H:i:s', $first->getTimestamp() ), gmdate( 'Y-m-d H:i:s', $after->getTimestamp() ) );
	}

	/** A term's day (Y-m-d) as the site shows a date. */
	public static function day( string $ymd ): string {
		$date = \DateTimeImmutable::createFromFormat( '!Y-m-d', $ymd, wp_timezone() );
		return false === $date ? $ymd : (string) wp_date( get_option( 'date_format' ), $date->getTimestamp() );
	}

	/**
	 * The term progress is about, on a day (default today).
	 *
	 * @return array{term:?array,state:string,next:?array,from:?string,to:?string}
	 *         state: "current" (today is in it), "ended" (between terms: the last one), or "none"
	 *         (no term defined, or none has begun: the all-time count).
	 * @throws DatabaseError On a database error.
	 */
	public function scope( ?string $day = null ): array {
		$day = $day ?? self::today();
		if ( isset( $this->scopes[ $day ] ) ) {
			return $this->scopes[ $day ];
		}
		$term  = $this->repository->term_on( $day );
		$state = 'current';
		$next  = null;
		if ( null === $term ) {
			$term  = $this->repository->term_before( $day );
			$state = null === $term ? 'none' : 'ended';
			$next  = $this->repository->term_after( $day );
		}
		[ $from, $to ] = null === $term ? array( null, null ) : self::range( $term );
		return $this->scopes[ $day ] = array(
			'term'  => $term,
			'state' => $state,
			'next'  => $next,
			'from'  => $from,
			'to'    => $to,
		);
	}

	/**
	 * Adds (id 0) or changes a term.
	 *
	 * @param array $input name, first_day, last_day (Y-m-d), required (default 3).
	 * @return int|PluginError The term's id.
	 */
	public function save_term( int $id, array $input ) {
		$name     = self::text( $input['name'] ?? '' );
		$first    = trim( (string) ( $input['first_day'] ?? '' ) );
		$last     = trim( (string) ( $input['last_day'] ?? '' ) );
		$required = trim( (string) ( $input['required'] ?? '' ) );
		$required = '' === $required ? (string) self::DEFAULT_REQUIRED : $required;
		if ( '' === $name || mb_strlen( $name ) > self::NAME_MAX ) {
			/* translators: %d: longest name */
			return self::bad( 'name', sprintf( __( 'Name: give the term a name of at most %d characters.', 'tfsp-calendly-sync' ), self::NAME_MAX ) );
		}
		if ( ! self::is_day( $first ) ) {
			return self::bad( 'first_day', __( 'First day: give a date (YYYY-MM-DD).', 'tfsp-calendly-sync' ) );
		}
		if ( ! self::is_day( $last ) ) {
			return self::bad( 'last_day', __( 'Last day: give a date (YYYY-MM-DD).', 'tfsp-calendly-sync' ) );
		}
		if ( $last < $first ) {
			return self::bad( 'last_day', __( 'Last day: it is before the first day.', 'tfsp-calendly-sync' ) );
		}
		if ( ! preg_match( '/^\d{1,4}$/', $required ) || (int) $required < 1 ) {
			return self::bad( 'required', __( 'Required sessions: give a whole number of at least 1.', 'tfsp-calendly-sync' ) );
		}
		$busy = new PluginError( 'busy', 'terms locked' );
		try {
			return $this->database->with_lock(
				'terms',
				function () use ( $id, $name, $first, $last, $required ) {
					if ( 0 !== $id && null === $this->repository->term( $id ) ) {
						return self::bad( 'id', __( 'There is no such term.', 'tfsp-calendly-sync' ) );
					}
					$other = $this->repository->overlapping( $first, $last, $id );
					if ( null !== $other ) {
						/* translators: 1: another term's name, 2: its first day, 3: its last day */
						return self::bad( 'first_day', sprintf( __( 'First day / last day: the dates overlap the term "%1$s" (%2$s to %3$s).', 'tfsp-calendly-sync' ), $other['name'], self::day( $other['first_day'] ), self::day( $other['last_day'] ) ) );
					}
					return (int) $this->database->transaction(
						function () use ( $id, $name, $first, $last, $required ): int {
							if ( 0 === $id ) {
								return $this->repository->insert_term( $name, $first, $last, (int) $required );
							}
							$this->repository->update_term( $id, $name, $first, $last, (int) $required );
							return $id;
						}
					);
				},
				10,
				$busy
			);
		} finally {
			$this->scopes = array();
		}
	}

	/** @return true|PluginError */
	public function delete_term( int $id ) {
		if ( null === $this->repository->term( $id ) ) {
			return self::bad( 'id', __( 'There is no such term.', 'tfsp-calendly-sync' ) );
		}
		$this->database->transaction( fn() => $this->repository->delete_term( $id ) );
		$this->scopes = array();
		return true;
	}

	/**
	 * Adds (id 0) or changes a cohort.
	 *
	 * @param array $input name; kind "role" or "hand"; role (a WordPress role's slug, for kind
	 *                     role); members (hand: user ids, e-mails or logins, a list or one a
	 *                     line or comma); term_id (0 or '' for every term); required ('' for the term's).
	 * @return int|PluginError The cohort's id.
	 */
	public function save_cohort( int $id, array $input ) {
		$name     = self::text( $input['name'] ?? '' );
		$kind     = (string) ( $input['kind'] ?? '' );
		$role     = trim( (string) ( $input['role'] ?? '' ) );
		$term     = trim( (string) ( $input['term_id'] ?? '' ) );
		$required = trim( (string) ( $input['required'] ?? '' ) );
		if ( '' === $name || mb_strlen( $name ) > self::NAME_MAX ) {
			/* translators: %d: longest name */
			return self::bad( 'name', sprintf( __( 'Name: give the cohort a name of at most %d characters.', 'tfsp-calendly-sync' ), self::NAME_MAX ) );
		}
		if ( ! in_array( $kind, array( 'role', 'hand' ), true ) ) {
			return self::bad( 'kind', __( 'Members: choose a WordPress role or students picked by hand.', 'tfsp-calendly-sync' ) );
		}
		if ( 'role' === $kind && ( '' === $role || ! wp_roles()->is_role( $role ) ) ) {
			/* translators: %s: the role asked for */
			return self::bad( 'role', sprintf( __( 'Role: "%s" is not a WordPress role of this site.', 'tfsp-calendly-sync' ), $role ) );
		}
		if ( '' !== $term && '0' !== $term && ( ! ctype_digit( $term ) || null === $this->repository->term( (int) $term ) ) ) {
			return self::bad( 'term_id', __( 'Term: there is no such term.', 'tfsp-calendly-sync' ) );
		}
		if ( '' !== $required && ( ! preg_match( '/^\d{1,4}$/', $required ) || (int) $required < 1 ) ) {
			return self::bad( 'required', __( 'Required sessions: give a whole number of at least 1, or leave it empty for the term\'s.', 'tfsp-calendly-sync' ) );
		}
		$members = array();
		if ( 'hand' === $kind ) {
			$list = $input['members'] ?? array();
			$list = is_array( $list ) ? $list : preg_split( '/[\s,;]+/', (string) $list );
			foreach ( array_filter( array_map( 'trim', array_map( 'strval', (array) $list ) ), 'strlen' ) as $who ) {
				$user = ctype_digit( $who ) ? get_user_by( 'id', (int) $who ) : ( get_user_by( 'email', $who ) ?: get_user_by( 'login', $who ) );
				if ( ! $user ) {
					/* translators: %s: what was typed */
					return self::bad( 'members', sprintf( __( 'Students: "%s" is no user of this site.', 'tfsp-calendly-sync' ), $who ) );
				}
				$members[] = (int) $user->ID;
			}
		}
		if ( 0 !== $id && null === $this->repository->cohort( $id ) ) {
			return self::bad( 'id', __( 'There is no such cohort.', 'tfsp-calendly-sync' ) );
		}
		$term_id  = '' === $term || '0' === $term ? null : (int) $term;
		$required = '' === $required ? null : (int) $required;
		$role     = 'role' === $kind ? $role : null;
		return (int) $this->database->transaction(
			function () use ( $id, $name, $kind, $role, $term_id, $required, $members ): int {
				if ( 0 === $id ) {
					$id = $this->repository->insert_cohort( $name, $kind, $role, $term_id, $required );
				} else {
					$this->repository->update_cohort( $id, $name, $kind, $role, $term_id, $required );
				}
				if ( 'hand' === $kind ) {
					$this->repository->set_members( $id, $members );
				}
				return $id;
			}
		);
	}

	/** @return true|PluginError */
	public function delete_cohort( int $id ) {
		if ( null === $this->repository->cohort( $id ) ) {
			return self::bad( 'id', __( 'There is no such cohort.', 'tfsp-calendly-sync' ) );
		}
		$this->database->transaction( fn() => $this->repository->delete_cohort( $id ) );
		return true;
	}

	/**
	 * The one wording of a term's progress: "2 of 3 this term, ends December 15", or for the
	 * last term that ended "2 of 3 in Fall 2026 (ended December 15)"; null with no term.
	 *
	 * @param array $scope    scope().
	 * @param int   $attended Sessions counted in the term.
	 * @param int   $required The student's requirement in it.
	 */
	public static function phrase( array $scope, int $attended, int $required ): ?string {
		if ( null === $scope['term'] ) {
			return null;
		}
		$end = self::day( (string) $scope['term']['last_day'] );
		if ( 'current' === $scope['state'] ) {
			/* translators: 1: sessions attended, 2: sessions required, 3: the term's last day */
			return sprintf( _n( '%1$d of %2$d session this term, ends %3$s', '%1$d of %2$d sessions this term, ends %3$s', $required, 'tfsp-calendly-sync' ), $attended, $required, $end );
		}
		/* translators: 1: sessions attended, 2: sessions required, 3: the term's name, 4: its last day */
		return sprintf( _n( '%1$d of %2$d session in %3$s (ended %4$s)', '%1$d of %2$d sessions in %3$s (ended %4$s)', $required, 'tfsp-calendly-sync' ), $attended, $required, (string) $scope['term']['name'], $end );
	}

	/** "The next term, Spring 2027, begins January 12." or null. */
	public static function next_phrase( array $scope ): ?string {
		if ( null === $scope['next'] || 'current' === $scope['state'] ) {
			return null;
		}
		/* translators: 1: the next term's name, 2: its first day */
		return sprintf( __( 'The next term, %1$s, begins %2$s.', 'tfsp-calendly-sync' ), (string) $scope['next']['name'], self::day( (string) $scope['next']['first_day'] ) );
	}

	/** A name as written (escaped wherever it is shown), without control characters or invalid UTF-8. */
	private static function text( $value ): string {
		return trim( (string) preg_replace( '/[\x00-\x1F\x7F]+/u', ' ', wp_check_invalid_utf8( is_scalar( $value ) ? (string) $value : '' ) ) );
	}

	private static function is_day( string $value ): bool {
		if ( ! preg_match( '/^(\d{4})-(\d{2})-(\d{2})$/', $value, $m ) ) {
			return false;
		}
		return checkdate( (int) $m[2], (int) $m[3], (int) $m[1] ) && (int) $m[1] >= 1000;
	}

	private static function bad( string $field, string $message ): PluginError {
		return new PluginError( 'input', $field . ': ' . $message, array( 'params' => array( $field => $message ) ) );
	}
}
