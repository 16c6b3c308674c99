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
	 * prepare() that turns null into SQL NULL: each "%s"/"%d" placeholder
	 * whose argument is null becomes the literal NULL.
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
