<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: deletes a WordPress user as wp-admin would.  php delete-user.php WP_DIR USER_ID [REASSIGN]; prints "deleted".
 */
[ , $wp_dir, $tfsp_user ] = $argv;
$tfsp_reassign            = isset( $argv[3] ) && '' !== $argv[3] ? (int) $argv[3] : null;
$_SERVER['HTTP_HOST']     = '127.0.0.1';
$_SERVER['REQUEST_URI']   = '/';
require $wp_dir . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/user.php';
if ( ! wp_delete_user( (int) $tfsp_user, $tfsp_reassign ) ) {
	fwrite( STDERR, "not deleted\n" );
	exit( 1 );
}
echo "deleted\n";
