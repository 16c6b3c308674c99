<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of the Reports page: the per-day summary ({prefix}tfsp_report_days, recounted by
 * ReportDays from the stored answers of the days SessionWriter marked dirty), the same figures
 * counted live for a cohort (bounded by its students, index student_start), the student-level
 * figures (met the requirement, at risk, time from joining to the first session: one index
 * probe per student of the filter, index student_status) and the session rows of the CSV.
 *
 * What a figure counts, in one place (FIGURES), read from the core's stored answers:
 * booked: every session of the day but the rows rescheduled away (a reschedule chain is one
 * booking); attended: the rows that count toward progress (an attended chain counts once, a
 * hand-entered session counts once marked, a canceled one never); no-show, canceled,
 * rescheduled, scheduled: by status; hand: the sessions entered by hand (any status).
 * Rows of event types that are no coaching sessions (type_ignored) are left out.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class ReportRepository extends Repository {

	/** Figure => SQL over a session row (alias s). */
	public const FIGURES = array(
		'booked'      => "SUM(s.status <> 'rescheduled')",
		'attended'    => 'SUM(s.counts_toward_progress = 1)',
		'no_show'     => "SUM(s.status = 'no_show')",
		'canceled'    => "SUM(s.status = 'canceled')",
		'rescheduled' => "SUM(s.status = 'rescheduled')",
		'scheduled'   => "SUM(s.status = 'scheduled')",
		'hand'        => "SUM(IFNULL(s.source = 'hand', 0))",
	);

	/** The statuses of a first session (booked, attended or a no-show: not canceled, not rescheduled away). */
	private const FIRST_SESSION_STATUSES = "'scheduled','attended','no_show'";

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	public function days_table(): string {
		return $this->db->prefix . 'tfsp_report_days';
	}

	public function dirty_table(): string {
		return $this->db->prefix . 'tfsp_report_dirty';
	}

	private function coaches_table(): string {
		return $this->db->prefix . 'tfsp_session_coaches';
	}

	private static function sums(): string {
		$parts = array();
		foreach ( self::FIGURES as $name => $sql ) {
			$parts[] = "IFNULL({$sql}, 0) AS {$name}";
		}
		return implode( ', ', $parts );
	}

	// ----- The per-day summary (ReportDays) -----

	/**
	 * Claims up to $limit dirty quarter hours: read, then deleted (the DELETE waits for the
	 * writers that marked them to commit, so that the recount that follows reads their rows).
	 *
	 * @return int[] The quarter hours claimed.
	 */
	public function claim_dirty( int $limit ): array {
		$slots = array_map( 'intval', (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT slot FROM {$this->dirty_table()} ORDER BY slot LIMIT %d", $limit ) ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		if ( $slots ) {
			$this->checked( $this->db->query( "DELETE FROM {$this->dirty_table()} WHERE slot IN (" . implode( ',', $slots ) . ')' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- integers.
		}
		return $slots;
	}

	/** @param int[] $slots Marks these quarter hours dirty again (a recount that failed). */
	public function remark( array $slots ): void {
		$slots = array_map( 'intval', $slots );
		if ( $slots ) {
			$this->checked( $this->db->query( "INSERT IGNORE INTO {$this->dirty_table()} (slot) VALUES (" . implode( '), (', $slots ) . ')' ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- integers.
		}
	}

	public function dirty_count(): int {
		return (int) $this->checked( $this->db->get_var( "SELECT COUNT(*) FROM {$this->dirty_table()}" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * Marks the quarter hours of the sessions updated since an instant (rows that the portal's
	 * own code wrote, not through SessionWriter; index updated_at).
	 */
	public function mark_updated_since( string $since ): int {
		$this->checked( $this->db->query( $this->db->prepare( "INSERT IGNORE INTO {$this->dirty_table()} (slot) SELECT DISTINCT " . SessionWriter::slot_sql( 'start_at' ) . " FROM {$this->table()} WHERE updated_at >= %s AND start_at IS NOT NULL", $since ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return (int) $this->db->rows_affected;
	}

	/** Empties the summary (the site's time zone changed: every day is counted again). */
	public function clear_days(): void {
		$this->checked( $this->db->query( "DELETE FROM {$this->days_table()}" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * Counts one day again: its rows of the summary replaced by the sessions that start in it
	 * (every session as coach 0, and once per coach who hosts it).  The caller holds the transaction.
	 *
	 * @param string $day  Y-m-d in the site's time zone.
	 * @param string $from The day's first instant, UTC DATETIME.
	 * @param string $to   The next day's first instant, UTC DATETIME.
	 */
	public function recount_day( string $day, string $from, string $to ): void {
		$d     = $this->days_table();
		$t     = $this->table();
		$c     = $this->coaches_table();
		$names = implode( ', ', array_keys( self::FIGURES ) );
		$sums  = self::sums();
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$this->checked( $this->db->query( $this->db->prepare( "DELETE FROM {$d} WHERE day = %s", $day ) ) );
		$this->checked( $this->db->query( $this->db->prepare( "INSERT INTO {$d} (day, coach_id, {$names}) SELECT %s, 0, {$sums} FROM {$t} s WHERE s.type_ignored = 0 AND s.start_at >= %s AND s.start_at < %s HAVING COUNT(*) > 0", $day, $from, $to ) ) );
		$this->checked( $this->db->query( $this->db->prepare( "INSERT INTO {$d} (day, coach_id, {$names}) SELECT %s, c.coach_id, {$sums} FROM {$t} s JOIN {$c} c ON c.session_id = s.id WHERE s.type_ignored = 0 AND s.start_at >= %s AND s.start_at < %s GROUP BY c.coach_id", $day, $from, $to ) ) );
		// phpcs:enable
	}

	/**
	 * The summary's days between two days (site zone) for every session (coach null) or one coach.
	 *
	 * @return array<string,array<string,int>> Y-m-d => figure => count (days without sessions left out).
	 */
	public function summary_days( string $first, string $last, ?int $coach ): array {
		$names = implode( ', ', array_keys( self::FIGURES ) );
		$rows  = (array) $this->checked( $this->db->get_results( $this->db->prepare( "SELECT day, {$names} FROM {$this->days_table()} WHERE coach_id = %d AND day >= %s AND day <= %s ORDER BY day", (int) ( $coach ?? 0 ), $first, $last ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$out   = array();
		foreach ( $rows as $row ) {
			foreach ( array_keys( self::FIGURES ) as $name ) {
				$out[ (string) $row['day'] ][ $name ] = (int) $row[ $name ];
			}
		}
		return $out;
	}

	// ----- Students, and a cohort's sessions counted live -----

	/**
	 * A cohort's students as SQL (a column sid and the instant each joined, joined), for the
	 * cohort's members (hand-picked: when they joined it) or its role's users (their registration).
	 *
	 * @param array $cohort A cohort row.
	 */
	public function cohort_students_sql( array $cohort ): string {
		if ( 'hand' === $cohort['kind'] ) {
			return (string) $this->db->prepare( "SELECT m.user_id AS sid, m.joined_at AS joined FROM {$this->db->prefix}tfsp_cohort_members m WHERE m.cohort_id = %d", (int) $cohort['id'] ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		return (string) $this->db->prepare(
			"SELECT u.ID AS sid, u.user_registered AS joined FROM {$this->db->users} u JOIN {$this->db->usermeta} um ON um.user_id = u.ID AND um.meta_key = %s WHERE um.meta_value LIKE %s", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			$this->db->get_blog_prefix() . 'capabilities',
			'%"' . $this->db->esc_like( (string) $cohort['role'] ) . '";%'
		);
	}

	/**
	 * The students of a filter with the instant each joined: a cohort's (see cohort_students_sql()),
	 * else the users with a session (a loose index scan of index student_id: one jump per
	 * student); with a coach, only those with a session the coach hosts (coach_students(); without
	 * a cohort, only their accounts are read, by id).
	 *
	 * @return array<int,string> Student => joined (UTC DATETIME).
	 */
	public function students( ?array $cohort, ?int $coach ): array {
		$t      = $this->table();
		$theirs = null === $coach ? null : $this->coach_students( $coach );
		if ( null !== $cohort ) {
			$sql = $this->cohort_students_sql( $cohort );
		} elseif ( null !== $theirs ) {
			// A coach's students are users with a session already: their accounts, by id.
			if ( ! $theirs ) {
				return array();
			}
			$sql = "SELECT u.ID AS sid, u.user_registered AS joined FROM {$this->db->users} u WHERE u.ID IN (" . implode( ',', $theirs ) . ')';
		} else {
			$sql = "SELECT u.ID AS sid, u.user_registered AS joined FROM (SELECT student_id FROM {$t} WHERE student_id IS NOT NULL GROUP BY student_id) x JOIN {$this->db->users} u ON u.ID = x.student_id";
		}
		$out = array();
		foreach ( (array) $this->checked( $this->db->get_results( $sql, ARRAY_A ) ) as $row ) { // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- prepared or integers.
			$out[ (int) $row['sid'] ] = (string) $row['joined'];
		}
		return null === $theirs ? $out : array_intersect_key( $out, array_flip( $theirs ) );
	}

	/**
	 * The students of the sessions a coach hosts.  When the coach is the first host (coach_id)
	 * of every session they host, which the writer's counters tell (host:<id> and coach:<id>
	 * agree: the coach co-hosts no session as a later host), a range scan of index coach_id
	 * (coach_id, type_ignored, student_id) of schema step 20 answers, no row read (12 ms for
	 * 40,000 sessions); else the coach's sessions through the coaches table's (coach_id,
	 * session_id) key, one probe of HOSTED_INDEX each (75 ms).  Like every counter, these count
	 * the writer's changes: a coach_id that the portal's own code moves from one coach to another
	 * leaves the old coach a host in the coaches table and their counters agreeing, so that
	 * session's student is left out of the old coach's figures until the counters are counted
	 * again (a migration step, a change of the chosen event types).
	 *
	 * @return int[]
	 */
	private function coach_students( int $coach ): array {
		$t      = $this->table();
		$counts = array_column(
			(array) $this->checked( $this->db->get_results( $this->db->prepare( "SELECT counter_key, SUM(n) AS n FROM {$this->db->prefix}tfsp_calendly_session_counts WHERE counter_key IN (%s, %s) GROUP BY counter_key", 'host:' . $coach, 'coach:' . $coach ), ARRAY_A ) ), // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			'n',
			'counter_key'
		);
		if ( (int) ( $counts[ 'host:' . $coach ] ?? 0 ) === (int) ( $counts[ 'coach:' . $coach ] ?? 0 ) ) {
			$sql = $this->db->prepare( "SELECT DISTINCT student_id FROM {$t} WHERE coach_id = %d AND type_ignored = 0 AND student_id IS NOT NULL", $coach ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		} else {
			$sql = $this->db->prepare( "SELECT DISTINCT s.student_id FROM {$this->coaches_table()} c JOIN {$t} s FORCE INDEX (" . self::HOSTED_INDEX . ') ON s.id = c.session_id WHERE c.coach_id = %d AND s.student_id IS NOT NULL AND s.type_ignored = 0', $coach ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		return array_map( 'intval', (array) $this->checked( $this->db->get_col( $sql ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- prepared above.
	}

	/**
	 * Each student's sessions that count toward progress and start between two instants (UTC;
	 * null: all time): a range scan of index report_counted (step 16), from the index alone.
	 *
	 * @param int[]|null $among Only these students (a coach's or a cohort's), or null for every one.
	 * @return array<int,int> Student => count (students without such a session left out).
	 */
	public function counted( ?string $from, ?string $to, ?array $among = null ): array {
		$range = null === $from ? '' : (string) $this->db->prepare( ' AND start_at >= %s AND start_at < %s', $from, $to );
		if ( null !== $among ) {
			if ( ! $among ) {
				return array();
			}
			// Checked in the index's entries: fewer groups and fewer rows sent than every student's.
			$range .= ' AND student_id IN (' . implode( ',', array_map( 'intval', $among ) ) . ')';
		}
		$out   = array();
		foreach ( (array) $this->checked( $this->db->get_results( "SELECT student_id, COUNT(*) AS n FROM {$this->table()} FORCE INDEX (report_counted) WHERE counts_toward_progress = 1 AND type_ignored = 0{$range} AND student_id IS NOT NULL GROUP BY student_id", ARRAY_A ) ) as $row ) { // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			$out[ (int) $row['student_id'] ] = (int) $row['n'];
		}
		return $out;
	}

	/**
	 * The students with a session scheduled between two instants (UTC; index status_start).
	 *
	 * @return array<int,true>
	 */
	public function scheduled_between( string $from, string $to ): array {
		$ids = (array) $this->checked( $this->db->get_col( $this->db->prepare( "SELECT DISTINCT student_id FROM {$this->table()} WHERE status = 'scheduled' AND start_at >= %s AND start_at < %s AND type_ignored = 0 AND student_id IS NOT NULL", $from, $to ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return array_fill_keys( array_map( 'intval', $ids ), true );
	}

	/** Whether any cohort applies to a term (else every student's requirement is the term's). */
	public function has_cohorts_for( int $term_id ): bool {
		return null !== $this->checked( $this->db->get_var( $this->db->prepare( "SELECT id FROM {$this->db->prefix}tfsp_cohorts WHERE term_id IS NULL OR term_id = %d LIMIT 1", $term_id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * The start of each student's first session since they joined (booked, attended or a
	 * no-show): one probe of index student_status per student, in batches.
	 *
	 * @param array<int,string> $joined Student => joined (UTC DATETIME).
	 * @return array<int,string> Student => first start (students without one left out).
	 */
	public function first_sessions( array $joined ): array {
		$t   = $this->table();
		$out = array();
		foreach ( array_chunk( $joined, 500, true ) as $batch ) {
			$probes = array();
			foreach ( $batch as $sid => $at ) {
				// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
				$probes[] = $this->db->prepare( "SELECT %d AS sid, (SELECT MIN(f.start_at) FROM {$t} f WHERE f.student_id = %d AND f.status IN (" . self::FIRST_SESSION_STATUSES . ') AND f.type_ignored = 0 AND f.start_at >= %s) AS first', $sid, $sid, $at );
			}
			foreach ( (array) $this->checked( $this->db->get_results( implode( ' UNION ALL ', $probes ), ARRAY_A ) ) as $row ) { // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- each probe prepared above.
				if ( null !== $row['first'] ) {
					$out[ (int) $row['sid'] ] = (string) $row['first'];
				}
			}
		}
		return $out;
	}

	/** The session filter of a cohort and coach (AND ...), alias s. */
	private function session_filter( ?array $cohort, ?int $coach ): string {
		$where = '';
		if ( null !== $cohort ) {
			$where .= ' AND s.student_id IN (SELECT q.sid FROM (' . $this->cohort_students_sql( $cohort ) . ') q)';
		}
		if ( null !== $coach ) {
			$where .= (string) $this->db->prepare( " AND s.id IN (SELECT fc.session_id FROM {$this->coaches_table()} fc WHERE fc.coach_id = %d)", $coach ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		return $where;
	}

	/**
	 * A cohort's figures per quarter hour of the sessions' starts between two instants (UTC).
	 *
	 * @return array<int,array<string,int>> Quarter hour => figure => count.
	 */
	public function live_slots( array $cohort, ?int $coach, string $from, string $to ): array {
		$sql  = 'SELECT ' . SessionWriter::slot_sql( 's.start_at' ) . ' AS slot, ' . self::sums() . " FROM {$this->table()} s WHERE s.type_ignored = 0 AND s.start_at >= %s AND s.start_at < %s" . $this->session_filter( $cohort, $coach ) . ' GROUP BY slot';
		$rows = (array) $this->checked( $this->db->get_results( $this->db->prepare( $sql, $from, $to ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
		$out  = array();
		foreach ( $rows as $row ) {
			foreach ( array_keys( self::FIGURES ) as $name ) {
				$out[ (int) $row['slot'] ][ $name ] = (int) $row[ $name ];
			}
		}
		return $out;
	}

	// ----- The CSV -----

	/**
	 * The sessions of a filter after a (start_at, id) position, in that order (keyset paging).
	 *
	 * @param array{0:string,1:int}|null $after The last row of the previous batch.
	 * @return array<int,array<string,mixed>>
	 */
	public function sessions_after( string $from, string $to, ?array $cohort, ?int $coach, ?array $after, int $limit ): array {
		$t     = $this->table();
		$where = $this->db->prepare( 's.type_ignored = 0 AND s.start_at >= %s AND s.start_at < %s', $from, $to ) . $this->session_filter( $cohort, $coach );
		if ( null !== $after ) {
			$where .= $this->db->prepare( ' AND (s.start_at > %s OR (s.start_at = %s AND s.id > %d))', $after[0], $after[0], $after[1] );
		}
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared
		return (array) $this->checked( $this->db->get_results( $this->db->prepare( "SELECT s.id, s.start_at, s.end_at, s.status, s.counts_toward_progress, s.source, s.entered_by, s.student_id, s.event_name, s.invitee_name, s.invitee_email FROM {$t} s WHERE {$where} ORDER BY s.start_at, s.id LIMIT %d", $limit ), ARRAY_A ) );
	}

	/**
	 * The coaches of these sessions.
	 *
	 * @param int[] $ids Session ids.
	 * @return array<int,int[]> Session => coach ids.
	 */
	public function coaches_of( array $ids ): array {
		$ids = array_values( array_filter( array_map( 'intval', $ids ) ) );
		if ( ! $ids ) {
			return array();
		}
		$out = array();
		foreach ( (array) $this->checked( $this->db->get_results( "SELECT session_id, coach_id FROM {$this->coaches_table()} WHERE session_id IN (" . implode( ',', $ids ) . ') ORDER BY session_id, coach_id', ARRAY_A ) ) as $row ) { // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			$out[ (int) $row['session_id'] ][] = (int) $row['coach_id'];
		}
		return $out;
	}

	/**
	 * The first $limit of these users by display name (then id), with their names, sorted by
	 * MariaDB so that only those rows come back (20,000 students at risk are one query of 200
	 * rows, not 20,000 rows sorted in PHP).  Ids of deleted accounts follow as "#id" when the
	 * list has room.
	 *
	 * @param int[] $ids User ids.
	 * @return array<int,string> User id => name, in order.
	 */
	public function first_by_name( array $ids, int $limit ): array {
		$ids = array_values( array_unique( array_filter( array_map( 'intval', $ids ) ) ) );
		if ( ! $ids || $limit < 1 ) {
			return array();
		}
		$out = array();
		foreach ( (array) $this->checked( $this->db->get_results( $this->db->prepare( "SELECT ID, display_name FROM {$this->db->users} WHERE ID IN (" . implode( ',', $ids ) . ') ORDER BY display_name, ID LIMIT %d', $limit ), ARRAY_A ) ) as $row ) { // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- integers.
			$out[ (int) $row['ID'] ] = (string) $row['display_name'];
		}
		if ( count( $out ) < $limit ) {
			$gone = array_diff( $ids, array_keys( $out ) );
			sort( $gone );
			foreach ( array_slice( $gone, 0, $limit - count( $out ) ) as $id ) {
				$out[ $id ] = '#' . $id;
			}
		}
		return $out;
	}

	/**
	 * Display names and e-mails of users.
	 *
	 * @param int[] $ids User ids.
	 * @return array<int,array{name:string,email:string}>
	 */
	public function users( array $ids ): array {
		$ids = array_values( array_unique( array_filter( array_map( 'intval', $ids ) ) ) );
		if ( ! $ids ) {
			return array();
		}
		$out = array();
		foreach ( (array) $this->checked( $this->db->get_results( "SELECT ID, display_name, user_email FROM {$this->db->users} WHERE ID IN (" . implode( ',', $ids ) . ')', ARRAY_A ) ) as $row ) { // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			$out[ (int) $row['ID'] ] = array(
				'name'  => (string) $row['display_name'],
				'email' => (string) $row['user_email'],
			);
		}
		return $out;
	}
}
