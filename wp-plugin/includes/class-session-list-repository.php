<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * SQL of the admin's views of {prefix}tfsp_coach_sessions: filtered, searched, sorted lists with
 * keyset paging, the unmatched bookings, and the re-attribution of sessions to a student.
 *
 * Deep pages use keyset positions ("after"/"before" the last row seen:
 * the sort value and the id) instead of OFFSET, so page 5,000 of a million
 * rows costs what page 1 costs.  Every filter column is indexed (see Schema).
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

final class SessionListRepository extends Repository {

	/** Views of the list: each one a condition on status and times. */
	public const VIEWS = array( 'all', 'needs_attendance', 'upcoming', 'past', 'canceled', 'rescheduled', 'conflicts' );

	/** Sortable keys and their columns. */
	public const SORTS = array(
		'start'   => 'start_at',
		'status'  => 'status',
		'invitee' => 'invitee_name',
		'id'      => 'id',
	);

	/** Columns the admin lists show. */
	private const COLUMNS = 'id, student_id, student_unlinked, erased_at, coach_id, status, conflict, start_at, end_at, invitee_name, invitee_email, event_name, host_name, host_email, calendly_uri, rescheduled_from_uri, rescheduled_to_uri, reschedule_url, cancel_url, canceled, cancel_reason, canceled_by, canceler_type, cancel_at, coach_mark, coach_mark_at, noshow, timezone, source, entered_by, entered_at, notes, counts_toward_progress, updated_at';

	/** The columns of a listed row, with the stored answer's "needs attendance" now (0/1). */
	private function columns(): string {
		return self::COLUMNS . ', (' . $this->needs_attendance( gmdate( 'Y-m-d H:i:s' ) ) . ') AS needs_attendance';
	}

	public function table(): string {
		return $this->db->prefix . 'tfsp_coach_sessions';
	}

	/**
	 * One page of sessions.
	 *
	 * @param array       $filters view, status (a list of statuses), student, coach, hosted_by (a
	 *                             coach's own list: the sessions they host; a list: those all of
	 *                             them host), from, to (UTC "Y-m-d H:i:s"), search, now (UTC).
	 * @param string      $sort    A key of SORTS.
	 * @param bool        $desc    Descending.
	 * @param array|null  $cursor  ['dir' => 'after'|'before'|'last', 'value' => ?string, 'id' => int] or null for the first page.
	 * @return array<int,array<string,mixed>> Rows in display order.
	 * @throws DatabaseError On a database error.
	 */
	public function page( array $filters, string $sort, bool $desc, ?array $cursor, int $limit ): array {
		$column  = self::SORTS[ $sort ] ?? 'start_at';
		$where   = $this->where( $filters );
		if ( 'needs_attendance' === ( $filters['view'] ?? 'all' ) ) {
			// Implied by end_at < now, but stated for the page query only: it bounds
			// the backward scan of the start_at index, which otherwise walks every
			// future row first (20 s instead of 11 ms with a million rows).  The
			// count is left without it: there it makes MariaDB leave status_type_end.
			$where[] = $this->db->prepare( 'start_at < %s', (string) ( $filters['now'] ?? gmdate( 'Y-m-d H:i:s' ) ) );
		}
		$reverse = null !== $cursor && in_array( $cursor['dir'], array( 'before', 'last' ), true );
		$asc     = $reverse ? $desc : ! $desc;
		if ( null !== $cursor && 'last' !== $cursor['dir'] ) {
			$where[] = $this->keyset_after( $column, $asc, $cursor['value'], (int) $cursor['id'] );
		}
		$direction = $asc ? 'ASC' : 'DESC';
		$order     = 'id' === $column ? "id {$direction}" : "{$column} {$direction}, id {$direction}";
		$from      = $this->from( $filters );
		$sql       = " FROM {$from} WHERE " . implode( ' AND ', $where ) . " ORDER BY {$order} LIMIT " . max( 1, $limit );
		if ( $from === $this->table() ) {
			$rows = (array) $this->checked( $this->db->get_results( 'SELECT ' . $this->columns() . $sql, ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- every part prepared in where()/keyset_after().
		} else {
			// A coach's list: the page's ids from the index alone, then their rows.
			$ids  = array_map( 'intval', (array) $this->checked( $this->db->get_col( 'SELECT id' . $sql ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- every part prepared in where()/keyset_after().
			$rows = array();
			if ( $ids ) {
				$by_id = array();
				foreach ( (array) $this->checked( $this->db->get_results( 'SELECT ' . $this->columns() . " FROM {$this->table()} WHERE id IN (" . implode( ',', $ids ) . ')', ARRAY_A ) ) as $row ) { // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- integers.
					$by_id[ (int) $row['id'] ] = $row;
				}
				foreach ( $ids as $id ) {
					if ( isset( $by_id[ $id ] ) ) {
						$rows[] = $by_id[ $id ];
					}
				}
			}
		}
		return $reverse ? array_reverse( $rows ) : $rows;
	}

	/**
	 * Rows matching the filters, exactly.  The unfiltered list, the canceled,
	 * rescheduled and conflicts views, one coach's list (coach_id) and a coach's
	 * own whole list (one host) read the writer's sharded counters (a sum of a
	 * few rows); every other filter counts over its index.  A coach's own list
	 * with a view is a direct COUNT over the coaches table's (coach_id,
	 * session_id) key joined to the sessions' index HOSTED_INDEX: as many index
	 * entries as the coach hosts, no row read.
	 *
	 * @throws DatabaseError On a database error.
	 */
	public function count( array $filters ): int {
		$counter = self::counter_of( $filters );
		if ( null !== $counter ) {
			$table = $this->db->prefix . 'tfsp_calendly_session_counts';
			return (int) $this->checked( $this->db->get_var( $this->db->prepare( "SELECT COALESCE(SUM(n), 0) FROM {$table} WHERE counter_key = %s", $counter ) ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		$sql = "SELECT COUNT(*) FROM {$this->from( $filters )} WHERE " . implode( ' AND ', $this->where( $filters ) );
		return (int) $this->checked( $this->db->get_var( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- every part prepared in where().
	}

	/** The table as the filters' queries read it: a coach's list through Repository::HOSTED_INDEX. */
	private function from( array $filters ): string {
		return array_filter( (array) ( $filters['hosted_by'] ?? array() ) ) ? $this->table() . ' FORCE INDEX (' . self::HOSTED_INDEX . ')' : $this->table();
	}

	/** The counter (see SessionWriter::count_keys()) that holds the count of these filters, or null. */
	private static function counter_of( array $filters ): ?string {
		foreach ( array( 'session', 'status', 'student', 'from', 'to' ) as $key ) {
			if ( ! empty( $filters[ $key ] ) ) {
				return null;
			}
		}
		if ( isset( $filters['search'] ) && '' !== $filters['search'] ) {
			return null;
		}
		$view  = $filters['view'] ?? 'all';
		$coach = empty( $filters['coach'] ) ? null : (int) $filters['coach'];
		$hosts = array_values( array_unique( array_filter( array_map( 'intval', (array) ( $filters['hosted_by'] ?? array() ) ) ) ) );
		if ( $hosts ) {
			// One host's whole list: their counter; two hosts or a view: a count over the index.
			return 1 === count( $hosts ) && null === $coach && 'all' === $view ? 'host:' . $hosts[0] : null;
		}
		if ( null !== $coach ) {
			return 'all' === $view ? 'coach:' . $coach : null;
		}
		$views = array(
			'all'         => 'all',
			'canceled'    => 'status:canceled',
			'rescheduled' => 'status:rescheduled',
			'conflicts'   => 'conflict',
		);
		return $views[ $view ] ?? null;
	}

	/** One session as the lists show it, or null. */
	public function find( int $id ): ?array {
		$row = $this->checked( $this->db->get_row( $this->db->prepare( 'SELECT ' . $this->columns() . " FROM {$this->table()} WHERE id = %d", $id ), ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		return $row ? $row : null;
	}

	/**
	 * Sessions by id, keyed by id (reschedule neighbours of a page).
	 *
	 * @param string[] $uris Invitee URIs.
	 * @return array<string,array{id:int,start_at:?string,status:string}> Keyed by lower-case URI.
	 */
	public function by_uris( array $uris ): array {
		$uris = array_values( array_unique( array_filter( $uris, static fn( $u ) => is_string( $u ) && '' !== $u ) ) );
		if ( ! $uris ) {
			return array();
		}
		$placeholders = implode( ',', array_fill( 0, count( $uris ), '%s' ) );
		// phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared, WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare
		$rows = $this->checked( $this->db->get_results( $this->db->prepare( "SELECT id, calendly_uri, start_at, status FROM {$this->table()} WHERE calendly_uri IN ({$placeholders})", ...$uris ), ARRAY_A ) );
		$out  = array();
		foreach ( (array) $rows as $row ) {
			$out[ strtolower( (string) $row['calendly_uri'] ) ] = array(
				'id'       => (int) $row['id'],
				'start_at' => $row['start_at'],
				'status'   => (string) $row['status'],
			);
		}
		return $out;
	}

	/**
	 * Bookings whose e-mail matched no student, newest first, keyset by id.
	 *
	 * @param string   $search   Prefix of the e-mail or the name ('' for all).
	 * @param int|null $after_id Rows with a smaller id than this (next page).
	 * @param int|null $before_id Rows with a greater id than this (previous page).
	 * @return array<int,array<string,mixed>>
	 */
	public function unmatched( string $search, ?int $after_id, ?int $before_id, int $limit ): array {
		return $this->page_by_id( $this->columns(), $this->unmatched_where( $search ), $after_id, $before_id, $limit );
	}

	public function count_unmatched( string $search ): int {
		$sql = "SELECT COUNT(*) FROM {$this->table()} WHERE " . implode( ' AND ', $this->unmatched_where( $search ) );
		return (int) $this->checked( $this->db->get_var( $sql ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- parts prepared.
	}

	/**
	 * The rows an admin's link moves, locked (the caller holds the transaction): the chosen
	 * session, and with an e-mail every session with it that is unmatched, not unlinked by an
	 * admin and not erased (never one already linked to someone).
	 *
	 * @param string|null $email Normalised e-mail, or null for the chosen session only.
	 * @return array<int,array{id:string,student_id:?string,student_unlinked:string}> The chosen one first.
	 * @throws DatabaseError On any database error.
	 */
	public function lock_for_link( int $id, ?string $email ): array {
		$rows = (array) $this->checked( $this->db->get_results( $this->db->prepare( "SELECT id, student_id, student_unlinked FROM {$this->table()} WHERE id = %d FOR UPDATE", $id ), ARRAY_A ) );
		if ( null !== $email ) {
			// The column's collation compares case-insensitively; invitee_email is indexed.
			$more = $this->checked( $this->db->get_results( $this->db->prepare( "SELECT id, student_id, student_unlinked FROM {$this->table()} WHERE invitee_email = %s AND student_id IS NULL AND student_unlinked = 0 AND erased_at IS NULL AND id <> %d ORDER BY id FOR UPDATE", $email, $id ), ARRAY_A ) );
			$rows = array_merge( $rows, (array) $more );
		}
		return $rows;
	}

	/**
	 * Addresses that several users hold (as alias, or as alias of one and e-mail of another):
	 * bookings with them link to nobody until an admin resolves it.
	 *
	 * @return array<int,array{email:string,user_ids:int[]}>
	 */
	public function contested_aliases( int $limit = 50 ): array {
		$rows = $this->checked(
			$this->db->get_results(
				$this->db->prepare(
					"SELECT a.email, GROUP_CONCAT(DISTINCT a.user_id ORDER BY a.user_id) AS user_ids FROM (
						SELECT LOWER(TRIM(meta_value)) AS email, user_id FROM {$this->db->usermeta} WHERE meta_key = %s
						UNION ALL
						SELECT LOWER(u.user_email), u.ID FROM {$this->db->users} u JOIN {$this->db->usermeta} m
							ON m.meta_key = %s AND LOWER(TRIM(m.meta_value)) = LOWER(u.user_email) AND m.user_id <> u.ID
					) a GROUP BY a.email HAVING COUNT(DISTINCT a.user_id) > 1 ORDER BY a.email LIMIT %d",
					UserRepository::ALIAS_META,
					UserRepository::ALIAS_META,
					$limit
				),
				ARRAY_A
			)
		);
		return array_map(
			static fn( array $row ): array => array(
				'email'    => (string) $row['email'],
				'user_ids' => array_map( 'intval', explode( ',', (string) $row['user_ids'] ) ),
			),
			(array) $rows
		);
	}

	/** @return string[] Prepared conditions of the unmatched list. */
	private function unmatched_where( string $search ): array {
		$where = array( 'student_id IS NULL', 'invitee_email IS NOT NULL', "invitee_email <> ''", 'type_ignored = 0' );
		if ( '' !== $search ) {
			$like    = $this->db->esc_like( $search ) . '%';
			$where[] = $this->db->prepare( '(invitee_email LIKE %s OR invitee_name LIKE %s)', $like, $like );
		}
		return $where;
	}

	/**
	 * The prepared conditions of the filters.
	 *
	 * @return string[]
	 */
	private function where( array $filters ): array {
		$now   = (string) ( $filters['now'] ?? gmdate( 'Y-m-d H:i:s' ) );
		$where = array( 'type_ignored = 0' ); // Rows of event types that are not coaching sessions stay out of every list.
		switch ( $filters['view'] ?? 'all' ) {
			case 'needs_attendance':
				$where[] = $this->needs_attendance( $now );
				break;
			case 'upcoming':
				$where[] = $this->db->prepare( "status = 'scheduled' AND start_at >= %s", $now );
				break;
			case 'past':
				$where[] = $this->db->prepare( 'start_at < %s', $now );
				break;
			case 'canceled':
				$where[] = "status = 'canceled'";
				break;
			case 'rescheduled':
				$where[] = "status = 'rescheduled'";
				break;
			case 'conflicts':
				$where[] = 'conflict = 1';
				break;
		}
		if ( ! empty( $filters['session'] ) ) {
			$where[] = $this->db->prepare( 'id = %d', (int) $filters['session'] );
		}
		if ( ! empty( $filters['student'] ) ) {
			$where[] = $this->db->prepare( 'student_id = %d', (int) $filters['student'] );
		}
		if ( ! empty( $filters['coach'] ) ) {
			$where[] = $this->db->prepare( 'coach_id = %d', (int) $filters['coach'] );
		}
		if ( ! empty( $filters['status'] ) ) {
			$statuses = array_values( array_map( 'strval', (array) $filters['status'] ) );
			// phpcs:ignore WordPress.DB.PreparedSQLPlaceholders.UnfinishedPrepare -- one placeholder per status.
			$where[] = $this->db->prepare( 'status IN (' . implode( ',', array_fill( 0, count( $statuses ), '%s' ) ) . ')', ...$statuses );
		}
		foreach ( array_unique( array_map( 'intval', (array) ( $filters['hosted_by'] ?? array() ) ) ) as $coach ) {
			if ( $coach ) {
				$where[] = $this->hosted_by( $coach );
			}
		}
		if ( ! empty( $filters['from'] ) ) {
			$where[] = $this->db->prepare( 'start_at >= %s', (string) $filters['from'] );
		}
		if ( ! empty( $filters['to'] ) ) {
			$where[] = $this->db->prepare( 'start_at < %s', (string) $filters['to'] );
		}
		if ( isset( $filters['search'] ) && '' !== $filters['search'] ) {
			// Prefix matches, so that the indexes on e-mail and name serve them.
			$like    = $this->db->esc_like( (string) $filters['search'] ) . '%';
			$where[] = $this->db->prepare( '(invitee_email LIKE %s OR invitee_name LIKE %s OR event_name LIKE %s)', $like, $like, $like );
		}
		return $where;
	}
}
