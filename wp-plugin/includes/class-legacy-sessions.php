<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Rows from before the plugin: the portal's own older rows of
 * {prefix}tfsp_coach_sessions (no invitee URI, not entered by hand), which
 * hold a session_date and a free-text status but none of the core's facts.
 *
 * Each such row is given facts, once:
 *   - its time, from session_date read in the site's time zone: start_at,
 *     and end_at (start + LEGACY_MINUTES) only when session_date holds a
 *     time of day.  A date alone (a DATE column, or midnight) has no end, so
 *     the core never says it needs attendance (attendance_due_at is the end);
 *   - its legacy status as the fact it stands for: attended, no_show and
 *     rescheduled become a coach mark by "system" (user 0) at the row's
 *     updated_at, so that a coach who clears or changes it later wins like
 *     any later mark; canceled becomes a cancel at updated_at.
 * The facts are joined by the core (State::merge, State::applyMark) and the
 * status, needs-attendance and standing it derives are stored through the
 * writer, one audit row per change (actor "system").  A status the core does
 * not know ("on hold") is left for the admin to see, untouched.
 *
 * Run by the migration (step 12, and after each mapping of legacy
 * spellings) and by the progress refresh for rows that the portal's own
 * code writes later.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class LegacySessions extends Repository {

	/** A legacy row with a time of day lasted this long (the portal never stored an end). */
	public const LEGACY_MINUTES = 60;

	/** Rows per transaction. */
	private const BATCH = 200;

	/** Legacy statuses that are a coach's mark, and the mark. */
	private const MARKS = array(
		'attended'    => 'attended',
		'no_show'     => 'no_show',
		'rescheduled' => 'rescheduled',
	);

	private SessionRepository $sessions;
	private SessionWriter $writer;
	private Database $database;
	private SettingsRepository $settings;

	public function __construct( \wpdb $db, SessionRepository $sessions, SessionWriter $writer, Database $database, SettingsRepository $settings ) {
		parent::__construct( $db );
		$this->sessions = $sessions;
		$this->writer   = $writer;
		$this->database = $database;
		$this->settings = $settings;
	}

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	/**
	 * Whether a row is a date without a time of day: a row from before the plugin (no invitee
	 * URI, no source) given a start but no end.  Lists show its date alone.
	 *
	 * @param array $row A session row with start_at, end_at, calendly_uri and source.
	 */
	public static function date_only( array $row ): bool {
		return null !== ( $row['start_at'] ?? null ) && null === ( $row['end_at'] ?? null ) && empty( $row['calendly_uri'] ) && empty( $row['source'] );
	}

	/**
	 * A session's start as the site shows it: date and time, or the date alone for a legacy
	 * date without a time; a dash when it has none.
	 *
	 * @param bool $zone With the time zone (text read away from the site).
	 */
	public static function when( array $row, bool $zone = false ): string {
		if ( self::date_only( $row ) ) {
			$timestamp = strtotime( substr( (string) $row['start_at'], 0, 19 ) . ' UTC' );
			return false === $timestamp ? (string) $row['start_at'] : Clock::site_date_at( $timestamp );
		}
		return Clock::site_datetime( $row['start_at'] ?? null, $zone );
	}

	/**
	 * Gives every legacy row still without its facts the core's answer.
	 *
	 * @param bool $marks Also rows whose legacy status waits to become a mark (the migration);
	 *                    false: only rows without a time (the progress refresh: index start_at).
	 * @return int Rows changed.
	 */
	public function adopt( bool $marks = true ): int {
		if ( ! Plugin::requirements_met() ) {
			return 0; // The core decides; the migration and the refresh wait for it.
		}
		$t       = $this->table();
		$legacy  = "(calendly_uri IS NULL OR calendly_uri = '') AND entered_at IS NULL AND (source IS NULL OR source = '')";
		$dated   = "(start_at IS NULL AND session_date IS NOT NULL AND status IN ('scheduled','canceled','rescheduled','attended','no_show'))";
		$marked  = "(coach_mark IS NULL AND canceled = 0 AND status IN ('canceled','rescheduled','attended','no_show'))";
		$wanted  = $marks ? "({$dated} OR {$marked})" : $dated;
		$changed = 0;
		$after   = 0;
		do {
			// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the conditions are constants of this class.
			$ids = array_map( 'intval', (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT id FROM {$t} WHERE id > %d AND {$legacy} AND {$wanted} ORDER BY id LIMIT %d", $after, self::BATCH ) ) ) );
			if ( ! $ids ) {
				break;
			}
			$after    = (int) end( $ids );
			$changed += (int) $this->database->transaction( fn() => $this->adopt_rows( $ids ) );
		} while ( count( $ids ) === self::BATCH );
		return $changed;
	}

	/** @param int[] $ids Rows to give their facts (locked here, in the caller's transaction). */
	private function adopt_rows( array $ids ): int {
		$by      = AuditActor::system( 'legacy session' );
		$changed = 0;
		foreach ( $ids as $id ) {
			$row = $this->sessions->lock_by_id( $id );
			if ( null === $row || ! empty( $row['calendly_uri'] ) || null !== $row['entered_at'] ) {
				continue;
			}
			$answer = $this->answer( $row );
			if ( null !== $answer && $answer['changes'] ) {
				$this->writer->store_legacy( $row, $answer, $by );
				++$changed;
			}
		}
		return $changed;
	}

	/**
	 * The core's answer for a legacy row: its time and its status as facts.
	 *
	 * @return array|null An answer as store_answer() takes it; null when there is nothing to give.
	 */
	private function answer( array $row ): ?array {
		$empty  = \Calsync\State::emptyFacts();
		$stored = $this->sessions->row_to_facts( $row, $empty );
		$at     = $this->legacy_time( $row );
		$give   = $empty;
		if ( null === $stored['start_at'] ) {
			$when = $this->session_time( $row['session_date'] );
			if ( null !== $when ) {
				$give['start_at']         = $when[0];
				$give['end_at']           = $when[1];
				$give['sched_updated_at'] = $at;
			}
		}
		$status = (string) $row['status'];
		if ( 'canceled' === $status && ! $stored['canceled'] ) {
			$give['canceled']  = true;
			$give['cancel_at'] = $at;
		}
		$facts   = \Calsync\State::merge( $stored, $give );
		$changes = array();
		foreach ( $facts as $key => $value ) {
			if ( $value !== $stored[ $key ] ) {
				$changes[ $key ] = array( $stored[ $key ], $value );
			}
		}
		if ( isset( self::MARKS[ $status ] ) && 'none' === ( $stored['coach_mark'] ?? 'none' ) ) {
			$answer            = \Calsync\State::applyMark( $facts, self::MARKS[ $status ], $at, 0 );
			$answer['changes'] = array_merge( $changes, (array) $answer['changes'] );
			return $answer;
		}
		$derived = \Calsync\State::derive( $facts );
		return array(
			'facts'    => $facts,
			'status'   => $derived['status'],
			'conflict' => $derived['conflict'],
			'changes'  => $changes,
			'notes'    => array(),
		);
	}

	/** When the legacy row last changed (its marks' time): updated_at, else created_at, never after now. */
	private function legacy_time( array $row ): int {
		$now = Clock::now_us();
		foreach ( array( 'updated_at', 'created_at' ) as $column ) {
			$value = (string) ( $row[ $column ] ?? '' );
			if ( '' !== $value && 0 !== strpos( $value, '0000' ) ) {
				try {
					return min( $now, Clock::from_datetime( $value ) );
				} catch ( \Exception $e ) {
					unset( $e );
				}
			}
		}
		return $now;
	}

	/**
	 * session_date in the site's time zone as [start, end] in microseconds; end null for a
	 * date without a time of day.  Null when it holds no date.
	 *
	 * @param mixed $value The column's value.
	 * @return array{0:int,1:?int}|null
	 */
	private function session_time( $value ): ?array {
		$value = trim( (string) $value );
		if ( '' === $value || 0 === strpos( $value, '0000' ) ) {
			return null;
		}
		$zone   = wp_timezone();
		$format = (string) ( $this->settings->find_quietly( '_session_date_format' ) ?? 'Y-m-d H:i:s' );
		$date   = null;
		if ( 'U' === $format || preg_match( '/^\d{9,}$/', $value ) ) {
			$date = ( new \DateTimeImmutable( '@' . (int) $value ) )->setTimezone( $zone );
		} else {
			foreach ( array( '!Y-m-d H:i:s', '!Y-m-d H:i', '!Y-m-d' ) as $try ) {
				$parsed = \DateTimeImmutable::createFromFormat( $try, $value, $zone );
				if ( false !== $parsed && ! ( \DateTimeImmutable::getLastErrors()['warning_count'] ?? 0 ) ) {
					$date = $parsed;
					break;
				}
			}
		}
		if ( null === $date || (int) $date->format( 'Y' ) < 1000 ) {
			return null;
		}
		$start = $date->getTimestamp() * 1000000;
		if ( '00:00:00' === $date->format( 'H:i:s' ) ) {
			return array( $start, null ); // A date alone: no end, so it never needs attendance.
		}
		return array( $start, $start + self::LEGACY_MINUTES * 60 * 1000000 );
	}
}
