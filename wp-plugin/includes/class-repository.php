<?php
// SPDX-License-Identifier: GPL-2.0-or-later
/**
 * Base of the repository classes: the only classes that hold SQL.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

abstract class Repository {

	/**
	 * The sessions' index (id, type_ignored, start_at, status, end_at, student_id) of schema
	 * step 18: a coach's sessions, found by id through the coaches table, read without their rows.
	 */
	public const HOSTED_INDEX = 'id_brief';

	protected \wpdb $db;

	public function __construct( \wpdb $db ) {
		$this->db = $db;
	}

	/** The table's full name, "{prefix}tfsp_...". */
	abstract public function table(): string;

	/**
	 * Throws when the last statement failed.  Every statement's result is
	 * checked, because a silently failed write must never become a 2xx.
	 *
	 * @param mixed $result What the wpdb call returned.
	 * @return mixed The result, unchanged.
	 * @throws DatabaseError On any database error.
	 */
	protected function checked( $result ) {
		if ( false === $result || '' !== (string) $this->db->last_error ) {
			$error = '' !== (string) $this->db->last_error ? $this->db->last_error : 'query failed';
			throw new DatabaseError( $error );
		}
		return $result;
	}

	/**
	 * The one SQL form of "this session needs an attendance mark": the core's
	 * rule (Calsync\State's attendance_due_at: scheduled, with a time, ended)
	 * read from the stored status and end_at, for a given "now".  Every list,
	 * count, notice and reminder asks this method; index status_type_end serves it.
	 *
	 * @param string $ended_before "Now" (or a cutoff), as a DATETIME in UTC.
	 * @param string $alias        Table alias and dot ("s."), or ''.
	 */
	protected function needs_attendance( string $ended_before, string $alias = '' ): string {
		return (string) $this->db->prepare( "{$alias}status = 'scheduled' AND {$alias}end_at IS NOT NULL AND {$alias}end_at < %s", $ended_before ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the alias is ours.
	}

	/**
	 * The one SQL form of "a session this coach hosts": the session's row in
	 * {prefix}tfsp_session_coaches (every host whose e-mail matches a user).
	 * Every coach-scoped list, count, notice and reminder asks this method;
	 * the coaches table's key (coach_id, session_id) serves it, and the sessions' probes by id
	 * read HOSTED_INDEX when the query names it (MariaDB takes the primary key otherwise: a row
	 * read per session).
	 *
	 * @param int    $coach The coach's user id.
	 * @param string $alias Table alias and dot ("s."), or ''.
	 */
	protected function hosted_by( int $coach, string $alias = '' ): string {
		return (string) $this->db->prepare( "{$alias}id IN (SELECT session_id FROM {$this->db->prefix}tfsp_session_coaches WHERE coach_id = %d)", $coach ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the alias and prefix are ours.
	}

	/**
	 * One page of a list newest first by id, in display order, for keyset paging (see
	 * Admin\KeysetPagination::requested_id()): the rows older than $after_id, or the rows newer
	 * than $before_id (fetched backwards, then put back in display order), or the newest.
	 *
	 * @param string   $columns   The select list.
	 * @param string[] $where     Prepared conditions of the list's filters.
	 * @param int|null $after_id  Next page: rows with a smaller id.
	 * @param int|null $before_id Previous page: rows with a greater id (0: the last page).
	 * @param int      $limit     Rows to fetch (one more than a page tells whether there is more).
	 * @return array<int,array<string,mixed>>
	 * @throws DatabaseError On a database error.
	 */
	protected function page_by_id( string $columns, array $where, ?int $after_id, ?int $before_id, int $limit ): array {
		$asc = null === $after_id && null !== $before_id;
		if ( null !== $after_id || null !== $before_id ) {
			$where[] = $this->keyset_after( 'id', $asc, null, (int) ( $after_id ?? $before_id ) );
		}
		$sql  = "SELECT {$columns} FROM {$this->table()} WHERE " . implode( ' AND ', $where ) . ' ORDER BY id ' . ( $asc ? 'ASC' : 'DESC' ) . ' LIMIT ' . max( 1, $limit );
		$rows = (array) $this->checked( $this->db->get_results( $sql, ARRAY_A ) ); // phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- conditions prepared by the caller and keyset_after().
		return $asc ? array_reverse( $rows ) : $rows;
	}

	/**
	 * The keyset condition "after (value, id)" in the order of $column then id, ascending or
	 * descending.  MariaDB sorts NULL first ascending and last descending.
	 *
	 * @param string      $column A column of the table (never input): "id" for a list keyed by id alone.
	 * @param bool        $asc    The order the rows are fetched in.
	 * @param string|null $value  The column's value at the position (unused for "id").
	 * @param int         $id     The id at the position.
	 */
	protected function keyset_after( string $column, bool $asc, ?string $value, int $id ): string {
		if ( 'id' === $column ) {
			return $this->db->prepare( $asc ? 'id > %d' : 'id < %d', $id );
		}
		if ( null === $value ) {
			return $asc
				? $this->db->prepare( "(({$column} IS NULL AND id > %d) OR {$column} IS NOT NULL)", $id ) // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- a column name from code.
				: $this->db->prepare( "({$column} IS NULL AND id < %d)", $id ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
		}
		return $asc
			? $this->db->prepare( "({$column} > %s OR ({$column} = %s AND id > %d))", $value, $value, $id ) // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
			: $this->db->prepare( "({$column} < %s OR ({$column} = %s AND id < %d) OR {$column} IS NULL)", $value, $value, $id ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared
	}

	/**
	 * prepare() that turns null into SQL NULL: each "%s"/"%d" placeholder
	 * whose argument is null becomes the literal NULL.  A text argument that
	 * is not plain ASCII becomes a hex literal read as UTF-8
	 * (CONVERT(X'..' USING utf8mb4)), so that the statement is plain ASCII:
	 * wpdb then sends it as it is, instead of first asking the server for
	 * the table's column charsets and for a converted copy of the statement
	 * (two round trips), and a text column of an older utf8 table holds what
	 * it can as the server converts it.
	 *
	 * @param string $sql  SQL with %s, %d, %f and %i-free placeholders.
	 * @param array  $args Arguments in order.
	 */
	protected function prepare_nullable( string $sql, array $args ): string {
		$index  = 0;
		$kept   = array();
		$parsed = preg_replace_callback(
			'/%[sdf]/',
			static function ( array $m ) use ( &$index, &$kept, $args ) {
				$value = $args[ $index++ ] ?? null;
				if ( null === $value ) {
					return 'NULL';
				}
				if ( '%s' === $m[0] && is_string( $value ) && preg_match( '/[^\x00-\x7F]/', $value ) ) {
					return "CONVERT(X'" . bin2hex( $value ) . "' USING utf8mb4)";
				}
				$kept[] = $value;
				return $m[0];
			},
			$sql
		);
		if ( ! $kept ) {
			return (string) $parsed;
		}
		// phpcs:ignore WordPress.DB.PreparedSQL.NotPrepared -- placeholders built above.
		return (string) $this->db->prepare( $parsed, $kept );
	}
}
