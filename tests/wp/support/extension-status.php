<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: how the plugin classifies calsync extension versions (the one
 * loaded, and the versions given).  php extension-status.php WP_DIR VERSION...;
 * prints JSON: {"loaded": STATUS, "min": ..., "newest": ..., "given": {VERSION: STATUS}}
 * ("-" stands for no extension loaded).
 */
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';

use TFSP\CalendlySync\Plugin;

$given = array();
foreach ( array_slice( $argv, 2 ) as $version ) {
	$given[ $version ] = Plugin::classify_extension( '-' === $version ? false : $version );
}
echo json_encode(
	array(
		'loaded'  => Plugin::extension_status(),
		'met'     => Plugin::requirements_met(),
		'min'     => Plugin::EXTENSION_MIN,
		'newest'  => Plugin::EXTENSION_NEWEST,
		'version' => phpversion( 'calsync' ),
		'given'   => $given,
	)
), "\n";
