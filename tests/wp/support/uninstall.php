<?php
// SPDX-License-Identifier: MIT
/**
 * Test helper: runs the plugin's uninstall.php against a full copy of the site under a scratch
 * table prefix (the test makes the copy), so that the dev site keeps its tables and roles.
 *   php uninstall.php WP_DIR PREFIX      prints "uninstalled"
 */
$tfsp_test_args         = $argv;
$_SERVER['HTTP_HOST']   = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
require $argv[1] . '/wp-load.php';
global $wpdb;
$wpdb->set_prefix( $tfsp_test_args[2] );
wp_cache_flush();
$GLOBALS['wp_roles'] = new WP_Roles();
define( 'WP_UNINSTALL_PLUGIN', 'tfsp-calendly-sync/tfsp-calendly-sync.php' );
include WP_PLUGIN_DIR . '/tfsp-calendly-sync/uninstall.php';
echo "uninstalled\n";
