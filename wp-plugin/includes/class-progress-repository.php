<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL behind the progress reports, the student portal and the coach reminders: read-only
 * questions over {prefix}tfsp_coach_sessions and the WordPress users who are its students.
 *
 * A student is a WordPress user with at least one session row (student_id).
 * Each query here is shaped for an index of the versioned migration
 * (student_status, status_type_end, coach_status_end, status_start), so that a
 * page costs about the same with a million rows as with a hundred.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class ProgressRepository extends Repository {

	/** Columns the portal and the reports read. */
	private const COLUMNS = 'id, student_id, coach_id, status, start_at, end_at, event_name, invitee_email, invitee_name, join_url, cancel_url, reschedule_url, location_type, calendly_uri, rescheduled_from_uri, rescheduled_to_uri, conflict, source, entered_by';

	private TermRepository $terms;

	public function __construct( \wpdb $db, TermRepository $terms ) {
		parent::__construct( $db );
		$this->terms = $terms;
	}

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	/**
	 * The start_at range of a rule's term as a condition (AND ...), or '' without a term.
	 *
	 * @param array  $rule  Progress::rule(): required, term, from, to.
	 * @param string $alias Table alias and dot, or ''.
	 */
	private function in_term( array $rule, string $alias = '' ): string {
		if ( null === ( $rule['term'] ?? null ) ) {
			return '';
		}
		return (string) $this->db->prepare( " AND {$alias}start_at >= %s AND {$alias}start_at < %s", $rule['from'], $rule['to'] ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the alias is ours.
	}

	/** A student's requirement under a rule, as SQL: the term's cohort rule, or the one number. */
	private function required_sql( array $rule, string $user_id ): string {
		return null === ( $rule['term'] ?? null ) ? (string) (int) $rule['required'] : $this->terms->requirement_sql( $rule['term'], $user_id );
	}

	/**
	 * The FROM clause of a students list: users with a session (a loose index
	 * scan of student_id, about 20,000 index jumps for 20,000 students rather
	 * than a million rows), optionally matching a search and a completion filter.
	 *
	 * @param string $search     Part of a name, login or e-mail; '' for all.
	 * @param string $completion "completed", "in_progress" or '' (all).
	 * @param array    $rule       Progress::rule(): the requirement and the term counted.
	 * @param int|null $coach      Only the students of sessions this coach hosts; null for all.
	 */
	private function students_from( string $search, string $completion, array $rule, ?int $coach = null ): string {
		$t      = $this->table();
		$hosted = null === $coach ? '' : ' AND ' . $this->hosted_by( $coach );
		$from   = "(SELECT student_id FROM {$t} WHERE type_ignored = 0 AND student_id IS NOT NULL{$hosted} GROUP BY student_id) x JOIN {$this->db->users} u ON u.ID = x.student_id";
		if ( '' !== $completion ) {
			$op    = 'completed' === $completion ? '>=' : '<';
			$from .= " LEFT JOIN (SELECT student_id, COUNT(*) AS n FROM {$t} WHERE type_ignored = 0 AND counts_toward_progress = 1 AND student_id IS NOT NULL" . $this->in_term( $rule ) . " GROUP BY student_id) c ON c.student_id = x.student_id WHERE IFNULL(c.n, 0) {$op} " . $this->required_sql( $rule, 'x.student_id' );
		} else {
			$from .= ' WHERE 1 = 1';
		}
		if ( '' !== $search ) {
			$like  = '%' . $this->db->esc_like( $search ) . '%';
			$from .= $this->db->prepare( ' AND (u.display_name LIKE %s OR u.user_email LIKE %s OR u.user_login LIKE %s)', $like, $like, $like );
		}
		return $from;
	}

	/**
	 * The FROM clause of a students list read in the users table's own order:
	 * each user is probed for a session (and, with a completion filter, their
	 * attended sessions counted) through index student_status, so that a page
	 * stops after its rows instead of reading every student.
	 *
	 */
	private function students_probed( string $search, string $completion, array $rule, ?int $coach = null ): string {
		$t      = $this->table();
		$hosted = null === $coach ? '' : ' AND ' . $this->hosted_by( $coach, 's.' );
		if ( '' === $completion ) {
			$where = "(SELECT s.id FROM {$t} s WHERE s.type_ignored = 0 AND s.student_id = u.ID{$hosted} LIMIT 1) IS NOT NULL";
		} else {
			$op    = 'completed' === $completion ? '>=' : '<';
			$where = "(SELECT s.id FROM {$t} s WHERE s.type_ignored = 0 AND s.student_id = u.ID{$hosted} LIMIT 1) IS NOT NULL AND "
				. "(SELECT COUNT(*) FROM {$t} a WHERE a.type_ignored = 0 AND a.student_id = u.ID AND a.counts_toward_progress = 1" . $this->in_term( $rule, 'a.' ) . ") {$op} " . $this->required_sql( $rule, 'u.ID' );
		}
		if ( '' !== $search ) {
			$like  = '%' . $this->db->esc_like( $search ) . '%';
			$where = $this->db->prepare( '(u.display_name LIKE %s OR u.user_email LIKE %s OR u.user_login LIKE %s) AND ', $like, $like, $like ) . $where;
		}
		return "{$this->db->users} u WHERE {$where}";
	}

	/**
	 * Students of one page of the list, ordered by login, e-mail or name.
	 * By login or e-mail (indexed) the first pages cost a few milliseconds; by
	 * name every student is joined and sorted (tens of milliseconds with
	 * 20,000 students).
	 *
	 * @param string   $orderby "login", "email" or "name".
	 * @param int|null $coach   Only the students of sessions this coach hosts (their progress stays theirs); null for all.
	 * @return array<int,array{ID:string,user_login:string,display_name:string,user_email:string}>
	 */
	public function students( string $search, string $completion, array $rule, string $orderby, bool $desc, int $limit, int $offset, ?int $coach = null ): array {
		$columns = array(
			'login' => 'u.user_login',
			'email' => 'u.user_email',
			'name'  => 'u.display_name',
		);
		$col     = $columns[ $orderby ] ?? 'u.user_login';
		$dir     = $desc ? 'DESC' : 'ASC';
		$from    = 'name' === $orderby ? $this->students_from( $search, $completion, $rule, $coach ) : $this->students_probed( $search, $completion, $rule, $coach );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- $from prepared above, column and direction from fixed lists.
		$sql = $this->db->prepare( "SELECT u.ID, u.user_login, u.display_name, u.user_email FROM {$from} ORDER BY {$col} {$dir}, u.ID {$dir} LIMIT %d OFFSET %d", $limit, $offset );
		return (array) $this->checked( $this->db->get_results( $sql, ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/** How many students a list holds ($coach: of the sessions this coach hosts). */
	public function count_students( string $search, string $completion, array $rule, ?int $coach = null ): int {
		$from = '' === $search ? $this->students_from( $search, $completion, $rule, $coach ) : $this->students_probed( $search, $completion, $rule, $coach );
		return (int) $this->checked( $this->db->get_var( "SELECT COUNT(*) FROM {$from}" ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * Students after a user id, for exports that walk every student (keyset, no OFFSET).
	 *
	 * @return array<int,array{ID:string,display_name:string,user_email:string}>
	 */
	public function students_after( int $after_id, int $limit, ?int $coach = null ): array {
		$t      = $this->table();
		$hosted = null === $coach ? '' : ' AND ' . $this->hosted_by( $coach, 's.' );
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					"SELECT u.ID, u.user_login, u.display_name, u.user_email FROM {$this->db->users} u WHERE u.ID > %d AND (SELECT s.id FROM {$t} s WHERE s.type_ignored = 0 AND s.student_id = u.ID{$hosted} LIMIT 1) IS NOT NULL ORDER BY u.ID LIMIT %d", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- a probe per user in id order, so that a batch stops after $limit students.
					$after_id,
					$limit
				),
				ARRAY_A
			)
		);
	}

	/**
	 * Per-student counts for a set of students.
	 *
	 * @param int[] $student_ids Students.
	 * @return array<int,array{attended:int,attended_by_hand:int,upcoming:int,no_show:int,last_session:?string}>
	 */
	public function stats_for( array $student_ids, string $now, array $rule = array( 'term' => null ) ): array {
		$ids = array_values( array_filter( array_map( 'intval', $student_ids ) ) );
		if ( ! $ids ) {
			return array();
		}
		$in  = implode( ',', $ids );
		$t   = $this->table();
		// Three index range reads per student instead of one scan of all their rows.
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$term     = $this->in_term( $rule );
		$attended = $this->checked( $this->db->get_results( "SELECT student_id, COUNT(*) AS n FROM {$t} WHERE type_ignored = 0 AND student_id IN ({$in}) AND counts_toward_progress = 1{$term} GROUP BY student_id", ARRAY_A ) );
		$no_show  = $this->checked( $this->db->get_results( "SELECT student_id, COUNT(*) AS n FROM {$t} WHERE type_ignored = 0 AND student_id IN ({$in}) AND status = 'no_show'{$term} GROUP BY student_id", ARRAY_A ) );
		$by_hand  = $this->checked( $this->db->get_results( "SELECT student_id, COUNT(*) AS n FROM {$t} WHERE type_ignored = 0 AND student_id IN ({$in}) AND counts_toward_progress = 1 AND source = 'hand'{$term} GROUP BY student_id", ARRAY_A ) );
		$upcoming = $this->checked( $this->db->get_results( $this->db->prepare( "SELECT student_id, COUNT(*) AS n FROM {$t} WHERE type_ignored = 0 AND student_id IN ({$in}) AND status = 'scheduled' AND start_at >= %s GROUP BY student_id", $now ), ARRAY_A ) );
		$last     = $this->checked( $this->db->get_results( $this->db->prepare( "SELECT student_id, MAX(start_at) AS at FROM {$t} WHERE type_ignored = 0 AND student_id IN ({$in}) AND status IN ('attended','no_show','scheduled') AND start_at < %s GROUP BY student_id", $now ), ARRAY_A ) );
		// phpcs:enable
		$out = array();
		foreach ( $ids as $id ) {
			$out[ $id ] = array(
				'attended'         => 0,
				'attended_by_hand' => 0,
				'upcoming'         => 0,
				'no_show'          => 0,
				'last_session'     => null,
			);
		}
		foreach ( array( 'attended' => $attended, 'attended_by_hand' => $by_hand, 'no_show' => $no_show, 'upcoming' => $upcoming ) as $key => $rows ) {
			foreach ( (array) $rows as $row ) {
				$out[ (int) $row['student_id'] ][ $key ] = (int) $row['n'];
			}
		}
		foreach ( (array) $last as $row ) {
			$out[ (int) $row['student_id'] ]['last_session'] = null === $row['at'] ? null : (string) $row['at'];
		}
		return $out;
	}

	/**
	 * Program totals; with $coach, those of the sessions the coach hosts (students: theirs,
	 * completed: those of them whose own progress meets the requirement).
	 *
	 * @return array{students:int,completed:int,attended:int,upcoming:int,needs_attendance:int,no_show:int,canceled:int}
	 */
	public function totals( array $rule, string $now, ?int $coach = null ): array {
		$t      = $this->table();
		$hosted = null === $coach ? '' : ' AND ' . $this->hosted_by( $coach );
		$theirs = null === $coach ? '' : " AND student_id IN (SELECT student_id FROM {$t} WHERE student_id IS NOT NULL{$hosted})";
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		$term      = $this->in_term( $rule );
		$students  = $this->count_students( '', '', $rule, $coach );
		$completed = $this->checked( $this->db->get_var( "SELECT COUNT(*) FROM (SELECT student_id, COUNT(*) AS n FROM {$t} WHERE type_ignored = 0 AND counts_toward_progress = 1 AND student_id IS NOT NULL{$term}{$theirs} GROUP BY student_id) c WHERE c.n >= " . $this->required_sql( $rule, 'c.student_id' ) ) );
		$by_status = $this->checked( $this->db->get_results( "SELECT status, COUNT(*) AS n FROM {$t} WHERE type_ignored = 0 AND status IN ('attended','no_show','canceled','rescheduled'){$term}{$hosted} GROUP BY status", ARRAY_A ) );
		$attended  = $this->checked( $this->db->get_var( "SELECT COUNT(*) FROM {$t} WHERE type_ignored = 0 AND counts_toward_progress = 1 AND student_id IS NOT NULL{$term}{$hosted}" ) );
		$upcoming  = $this->checked( $this->db->get_var( $this->db->prepare( "SELECT COUNT(*) FROM {$t} WHERE type_ignored = 0 AND status = 'scheduled' AND end_at >= %s{$hosted}", $now ) ) );
		$needs     = $this->checked( $this->db->get_var( "SELECT COUNT(*) FROM {$t} WHERE type_ignored = 0 AND " . $this->needs_attendance( $now ) . $hosted ) );
		// phpcs:enable
		$counts = array();
		foreach ( (array) $by_status as $row ) {
			$counts[ (string) $row['status'] ] = (int) $row['n'];
		}
		return array(
			'students'         => (int) $students,
			'completed'        => (int) $completed,
			'attended'         => (int) $attended,
			'upcoming'         => (int) $upcoming,
			'needs_attendance' => (int) $needs,
			'no_show'          => $counts['no_show'] ?? 0,
			'canceled'         => ( $counts['canceled'] ?? 0 ) + ( $counts['rescheduled'] ?? 0 ),
		);
	}

	/**
	 * Sessions per week and status between two instants (UTC), weeks counted from $from
	 * ($coach: the sessions this coach hosts).
	 *
	 * @return array<int,array{week:string,status:string,n:string}>
	 */
	public function per_week( string $from, string $to, ?int $coach = null ): array {
		$t      = $this->table();
		$hosted = null === $coach ? '' : ' AND ' . $this->hosted_by( $coach );
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					"SELECT FLOOR(TIMESTAMPDIFF(SECOND, %s, start_at) / 604800) AS week, status, COUNT(*) AS n FROM {$t} WHERE type_ignored = 0 AND status IN ('scheduled','attended','no_show','canceled','rescheduled') AND start_at >= %s AND start_at < %s{$hosted} GROUP BY week, status", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$from,
					$from,
					$to
				),
				ARRAY_A
			)
		);
	}

	/**
	 * The time zone Calendly gave for the student's latest booking (the invitee's `timezone`
	 * fact, as the booking page had it), or null when no booking of theirs has one.
	 */
	public function latest_timezone_of( int $student_id ): ?string {
		$t    = $this->table();
		$zone = $this->checked(
			$this->db->get_var(
				$this->db->prepare(
					"SELECT timezone FROM {$t} WHERE student_id = %d AND type_ignored = 0 AND timezone IS NOT NULL AND timezone <> '' ORDER BY invitee_created_at IS NULL, invitee_created_at DESC, id DESC LIMIT 1", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$student_id
				)
			)
		);
		return null === $zone ? null : (string) $zone;
	}

	/**
	 * One student's sessions: the upcoming ones (scheduled, not yet ended; soonest first).
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public function upcoming_of( int $student_id, string $now, int $limit ): array {
		$t = $this->table();
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					'SELECT ' . self::COLUMNS . " FROM {$t} WHERE type_ignored = 0 AND student_id = %d AND status = 'scheduled' AND NOT (" . $this->needs_attendance( $now ) . ') ORDER BY start_at IS NULL, start_at, id LIMIT %d', // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$student_id,
					$limit
				),
				ARRAY_A
			)
		);
	}

	/**
	 * One student's other sessions (past, canceled, rescheduled; latest first).
	 *
	 * @return array<int,array<string,mixed>>
	 */
	public function past_of( int $student_id, string $now, int $limit ): array {
		$t = $this->table();
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					'SELECT ' . self::COLUMNS . ', (' . $this->needs_attendance( $now ) . ") AS needs_attendance FROM {$t} WHERE type_ignored = 0 AND student_id = %d AND (status <> 'scheduled' OR " . $this->needs_attendance( $now ) . ') ORDER BY start_at DESC, id DESC LIMIT %d', // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$student_id,
					$limit
				),
				ARRAY_A
			)
		);
	}

	/**
	 * One coach's sessions that need an attendance mark: still scheduled, ended before $ended_before.
	 *
	 * @param int|null $coach_id The coach (every session they host); null for sessions whose hosts match no user.
	 * @return array<int,array<string,mixed>> Oldest first.
	 */
	public function needing_mark_for( ?int $coach_id, string $ended_before, int $limit ): array {
		$t     = $this->table();
		$coach = null === $coach_id ? " AND NOT EXISTS (SELECT 1 FROM {$this->db->prefix}tfsp_session_coaches c WHERE c.session_id = {$t}.id)" : ' AND ' . $this->hosted_by( $coach_id );
		return (array) $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					'SELECT ' . self::COLUMNS . ", host_email FROM {$t} WHERE type_ignored = 0 AND " . $this->needs_attendance( $ended_before ) . "{$coach} ORDER BY end_at, id LIMIT %d", // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
					$limit
				),
				ARRAY_A
			)
		);
	}

	/**
	 * How many sessions need a mark (ended before $ended_before, still scheduled): those the coach
	 * hosts (a direct COUNT over the coaches table's key), or with $coach_id null all of them.
	 */
	public function count_needing_mark( string $ended_before, ?int $coach_id ): int {
		$t     = $this->table();
		$coach = null === $coach_id ? '' : ' AND ' . $this->hosted_by( $coach_id );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return (int) $this->checked( $this->db->get_var( "SELECT COUNT(*) FROM {$t} WHERE type_ignored = 0 AND " . $this->needs_attendance( $ended_before ) . $coach ) );
	}

	/**
	 * Coaches with sessions that need a mark, and how many: every coach of a co-hosted session
	 * counts it (coach_id NULL: sessions whose hosts match no user).
	 *
	 * @return array<int,array{coach_id:?string,n:string}>
	 */
	public function coaches_needing_mark( string $ended_before ): array {
		return (array) $this->checked(
			$this->db->get_results(
				"SELECT c.coach_id, COUNT(*) AS n FROM {$this->table()} s LEFT JOIN {$this->db->prefix}tfsp_session_coaches c ON c.session_id = s.id WHERE s.type_ignored = 0 AND " . $this->needs_attendance( $ended_before, 's.' ) . ' GROUP BY c.coach_id', // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
				ARRAY_A
			)
		);
	}

	/**
	 * Students to consider for the "book your next session" mail, in user id order after
	 * $after_id: users with a session row, and users of the subscriber role (a new student who
	 * never booked), each with their stored answers: how many sessions count toward progress,
	 * whether one is upcoming (scheduled, starting after $now), and their latest session that
	 * ended, not canceled (attended, no-show, or scheduled and ended) by $now.
	 *
	 * @return array<int,array{ID:string,counted:string,upcoming:string,last_id:?string,last_end:?string,last_start:?string}>
	 * @throws DatabaseError On a database error.
	 */
	public function nudge_candidates( int $after_id, string $now, int $limit, array $rule = array( 'term' => null, 'required' => 3 ) ): array {
		$t    = $this->table();
		$caps = $this->db->get_blog_prefix() . 'capabilities';
		$last = "FROM {$t} c WHERE c.type_ignored = 0 AND c.student_id = u.ID AND c.status IN ('attended','no_show','scheduled') AND c.end_at IS NOT NULL AND c.end_at <= %s ORDER BY c.end_at DESC, c.id DESC LIMIT 1";
		// phpcs:disable WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- table names are ours, values prepared.
		$sql = $this->db->prepare(
			"SELECT u.ID,
 (SELECT COUNT(*) FROM {$t} a WHERE a.type_ignored = 0 AND a.student_id = u.ID AND a.counts_toward_progress = 1" . str_replace( '%', '%%', $this->in_term( $rule, 'a.' ) ) . ") AS counted,
 " . str_replace( '%', '%%', $this->required_sql( $rule, 'u.ID' ) ) . " AS required,
 EXISTS (SELECT 1 FROM {$t} b WHERE b.type_ignored = 0 AND b.student_id = u.ID AND b.status = 'scheduled' AND b.start_at > %s) AS upcoming,
 (SELECT c.id {$last}) AS last_id,
 (SELECT c.end_at {$last}) AS last_end,
 (SELECT c.start_at {$last}) AS last_start
FROM {$this->db->users} u
WHERE u.ID > %d AND (EXISTS (SELECT 1 FROM {$t} d WHERE d.type_ignored = 0 AND d.student_id = u.ID)
 OR EXISTS (SELECT 1 FROM {$this->db->usermeta} m WHERE m.user_id = u.ID AND m.meta_key = %s AND m.meta_value LIKE %s))
ORDER BY u.ID LIMIT %d",
			$now,
			$now,
			$now,
			$now,
			$after_id,
			$caps,
			'%' . $this->db->esc_like( '"subscriber"' ) . '%',
			$limit
		);
		// phpcs:enable
		return (array) $this->checked( $this->db->get_results( $sql, ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared
	}

	/**
	 * The user is a student of this coach: one of the student's sessions is one the coach hosts.
	 *
	 * @throws DatabaseError On a database error.
	 */
	public function is_student_of( int $student_id, int $coach_id ): bool {
		return null !== $this->checked( $this->db->get_var( $this->db->prepare( "SELECT 1 FROM {$this->table()} s WHERE s.type_ignored = 0 AND s.student_id = %d AND " . $this->hosted_by( $coach_id, 's.' ) . ' LIMIT 1', $student_id ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQL.NotPrepared -- hosted_by() is prepared.
	}

	/** How many sessions of a student count toward progress (their stored answers; in the rule's term). */
	public function counted_of( int $student_id, array $rule = array( 'term' => null ) ): int {
		return (int) $this->checked( $this->db->get_var( $this->db->prepare( "SELECT COUNT(*) FROM {$this->table()} WHERE type_ignored = 0 AND student_id = %d AND counts_toward_progress = 1", $student_id ) . $this->in_term( $rule ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * The first published page whose content holds one of these texts (the
	 * portal's block comment or shortcode), lowest id first.
	 *
	 * @throws DatabaseError On a database error.
	 */
	public function first_page_with( string ...$texts ): ?int {
		$likes = array();
		$args  = array();
		foreach ( $texts as $text ) {
			$likes[] = 'post_content LIKE %s';
			$args[]  = '%' . $this->db->esc_like( $text ) . '%';
		}
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- one placeholder per text.
		$id = $this->checked( $this->db->get_var( $this->db->prepare( "SELECT ID FROM {$this->db->posts} WHERE post_type = 'page' AND post_status = 'publish' AND (" . implode( ' OR ', $likes ) . ') ORDER BY ID LIMIT 1', ...$args ) ) );
		return null === $id ? null : (int) $id;
	}
}
