<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: takes one of the plugin's job locks the way a site on the same MariaDB server
 * would, and holds it until its stdin is closed.
 *   php hold-lock.php WP_DIR DB_NAME JOB [PREFIX]
 * DB_NAME (and PREFIX, default the stack's) name that site: the stack's own plugin code runs
 * against a second connection to that database.  Prints "held NAME" or "busy NAME" (NAME the
 * lock's name), then waits for EOF on stdin and releases the lock.  With TFSP_TEST_QUERY_AFTER=1
 * in the environment it first runs one query while it still holds the lock, and prints
 * "queried" when that query was answered.
 */
$tfsp_test_args         = $argv;
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';
[ , , $tfsp_db_name, $tfsp_job ] = $tfsp_test_args;
$tfsp_other = new wpdb( DB_USER, DB_PASSWORD, $tfsp_db_name, DB_HOST );
$tfsp_other->set_prefix( $tfsp_test_args[4] ?? $GLOBALS['table_prefix'] );
$tfsp_lock = new \TFSP\CalendlySync\Database( $tfsp_other );
$tfsp_name = $tfsp_lock->lock_name( $tfsp_job );
$tfsp_held = $tfsp_lock->with_lock(
	$tfsp_job,
	static function () use ( $tfsp_name ): bool {
		echo 'held ', $tfsp_name, "\n";
		fflush( STDOUT );
		stream_get_contents( STDIN );
		if ( getenv( 'TFSP_TEST_QUERY_AFTER' ) && '1' === (string) $GLOBALS['tfsp_other']->get_var( 'SELECT 1' ) ) {
			echo "queried\n";
			fflush( STDOUT );
		}
		return true;
	},
	0,
	false
);
if ( ! $tfsp_held ) {
	echo 'busy ', $tfsp_name, "\n";
	fflush( STDOUT );
	stream_get_contents( STDIN );
}
