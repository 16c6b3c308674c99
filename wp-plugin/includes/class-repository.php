<?php
/**
 * Base of the repository classes: the only classes that hold SQL.
 *
 * @package TFSP\CalendlySync
 */

namespace TFSP\CalendlySync;

defined( 'ABSPATH' ) || exit;

abstract class Repository {

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
	 * count, notice and reminder asks this method; index status_end serves it.
	 *
	 * @param string $ended_before "Now" (or a cutoff), as a DATETIME in UTC.
	 * @param string $alias        Table alias and dot ("s."), or ''.
	 */
	protected function needs_attendance( string $ended_before, string $alias = '' ): string {
		return (string) $this->db->prepare( "{$alias}status = 'scheduled' AND {$alias}end_at IS NOT NULL AND {$alias}end_at < %s", $ended_before ); // phpcs:ignore WordPress.DB.PreparedSQL.InterpolatedNotPrepared -- the alias is ours.
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
