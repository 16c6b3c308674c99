<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: runs the plugin's migration with WordPress loaded, against tables
 * of a scratch prefix.  php -d extension=calsync.so run-migration.php WP_DIR PREFIX [BODY_FILE]
 * Prints JSON: {"result": true|error message, "outcome": outcome of BODY_FILE applied afterwards}.
 */
[ , $wp_dir, $prefix ] = $argv;
$tfsp_test_args         = $argv;
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $wp_dir . '/wp-load.php';
global $wpdb;
[ $users, $usermeta ] = array( $wpdb->users, $wpdb->usermeta );
$wpdb->set_prefix( $tfsp_test_args[2] );
// Only the plugin's tables move to the scratch prefix; the site's users stay where they are.
[ $wpdb->users, $wpdb->usermeta ] = array( $users, $usermeta );
$plugin = \TFSP\CalendlySync\Plugin::instance();
$result = $plugin->upgrade();
$out    = array( 'result' => true === $result ? true : $result->get_error_message() );
if ( isset( $tfsp_test_args[3] ) ) {
	$out['outcome'] = $plugin->sync()->receive( file_get_contents( $tfsp_test_args[3] ), time(), false );
}
echo json_encode( $out ), "\n";
