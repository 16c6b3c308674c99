<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: students' progress as the plugin reads it.
 *   php progress.php WP_DIR USER_ID...   prints JSON {USER_ID: {attended, upcoming, no_show}}
 */
$tfsp_test_args         = $argv;
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';
$tfsp_ids      = array_map( 'intval', array_slice( $tfsp_test_args, 2 ) );
$tfsp_progress = \TFSP\CalendlySync\Plugin::instance()->progress();
$tfsp_stats    = $tfsp_progress->repository()->stats_for( $tfsp_ids, gmdate( 'Y-m-d H:i:s' ) );
$tfsp_out      = array();
foreach ( $tfsp_ids as $tfsp_id ) {
	$tfsp_one             = $tfsp_progress->of_student( $tfsp_id );
	$tfsp_out[ $tfsp_id ] = array(
		'attended' => $tfsp_one['attended'],
		'upcoming' => $tfsp_one['upcoming'],
		'no_show'  => $tfsp_stats[ $tfsp_id ]['no_show'],
	);
}
echo json_encode( $tfsp_out ), "\n";
